import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** One in-app message in one recipient's inbox; a redelivered dispatch finds its row already there. */
@Entity({ schema: 'sender_inapp', name: 'inbox_items' })
@Index('inbox_items_by_recipient', ['tenantId', 'recipientId', 'sequence'])
export class InboxItemEntity {
  @PrimaryColumn('text', { name: 'tenant_id' })
  tenantId!: string;

  @PrimaryColumn('uuid', { name: 'message_id' })
  messageId!: string;

  @Column('text', { name: 'recipient_id' })
  recipientId!: string;

  /** Insertion order: newest first, and the cursor of a page, without ties between equal times. */
  @Column({ type: 'bigint', generated: 'identity', generatedIdentity: 'ALWAYS', unique: true })
  sequence!: string;

  @Column('text')
  title!: string;

  @Column('text')
  body!: string;

  @Column('text', { name: 'action_url', nullable: true })
  actionUrl!: string | null;

  @Column('jsonb', { nullable: true })
  data!: Record<string, unknown> | null;

  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'read_at', nullable: true })
  readAt!: Date | null;

  /** Set by the first read only, so that marking unread and reading again reports no second read. */
  @Column('timestamptz', { name: 'first_read_at', nullable: true })
  firstReadAt!: Date | null;

  @Column('timestamptz', { name: 'archived_at', nullable: true })
  archivedAt!: Date | null;
}
