import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A message's furthest lifecycle stage; `status_rank` keeps an earlier stage from replacing it. */
@Entity({ schema: 'analytics', name: 'message_status' })
export class MessageStatusEntity {
  @PrimaryColumn('uuid', { name: 'message_id' })
  messageId!: string;

  @Column('text', { name: 'tenant_id' })
  tenantId!: string;

  @Column('text')
  status!: string;

  @Column('smallint', { name: 'status_rank' })
  statusRank!: number;

  /** When the event that set the status happened. */
  @Column('timestamptz', { name: 'updated_at' })
  updatedAt!: Date;
}
