import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { RecipientPreferences } from '@switchboard/contracts';

/** A recipient's preferences, one document per recipient, gone with the recipient. */
@Entity({ schema: 'router', name: 'preferences' })
export class PreferenceEntity {
  @PrimaryColumn('text', { name: 'tenant_id' })
  tenantId!: string;

  @PrimaryColumn('text', { name: 'recipient_id' })
  recipientId!: string;

  @Column('jsonb')
  preferences!: RecipientPreferences;

  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' })
  updatedAt!: Date;
}
