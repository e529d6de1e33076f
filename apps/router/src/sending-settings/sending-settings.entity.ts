import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A tenant's sending settings, one JSON document read and written whole. */
@Entity({ schema: 'router', name: 'sending_settings' })
export class SendingSettingsEntity {
  @PrimaryColumn('text', { name: 'tenant_id' })
  tenantId!: string;

  @Column('jsonb')
  settings!: unknown;

  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' })
  updatedAt!: Date;
}
