import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Upstream events of `eventType` for the tenant become email messages rendered with `templateKey`. */
@Entity({ schema: 'ingest', name: 'triggers' })
export class TriggerEntity {
  @PrimaryColumn('text', { name: 'tenant_id' })
  tenantId!: string;

  @PrimaryColumn('text', { name: 'event_type' })
  eventType!: string;

  @Column('text', { name: 'template_key' })
  templateKey!: string;

  @Column('text', { default: 'email' })
  channel!: 'email';

  @Column('text', { name: 'message_type', nullable: true })
  messageType!: string | null;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt!: Date;
}
