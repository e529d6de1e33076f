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

  @Column('text', { default: 'email' })
  channel!: 'email';

  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;
}
