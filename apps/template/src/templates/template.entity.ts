import type { ChannelName } from '@switchboard/contracts';
import { Column, Entity, PrimaryColumn, Unique } from 'typeorm';

@Entity({ schema: 'template', name: 'templates' })
@Unique('templates_key_per_tenant', ['tenantId', 'key'])
export class TemplateEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('text', { name: 'tenant_id' })
  tenantId!: string;

  @Column('text')
  key!: string;

  @Column('text')
  name!: string;

  /** The main channel: given at creation, or the first one the first version has a part for. */
  @Column('text', { default: 'email' })
  channel!: ChannelName;

  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;
}
