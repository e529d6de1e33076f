import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The one routing decision of a message; a redelivered message keeps it. */
@Entity({ schema: 'router', name: 'decisions' })
export class DecisionEntity {
  @PrimaryColumn('uuid', { name: 'message_id' })
  messageId!: string;

  @Column('text', { name: 'tenant_id' })
  tenantId!: string;

  @Column('text')
  decision!: 'routed' | 'skipped' | 'deferred' | 'cancelled';

  @Column('text', { nullable: true })
  rule!: string | null;

  @Column('text', { name: 'message_type', nullable: true })
  messageType!: string | null;

  @Column('text', { nullable: true })
  reason!: string | null;

  @Column('text', { nullable: true })
  channel!: string | null;

  @Column('text', { nullable: true })
  address!: string | null;

  @Column('text', { name: 'channel_policy', default: 'fallback' })
  channelPolicy!: 'fallback' | 'all';

  @Column('jsonb', { name: 'render_requests', default: () => "'[]'" })
  /** Sealed (a jsonb string); the plaintext array in rows written before encryption. */
  renderRequests!: unknown[] | string;

  /** The recipient id whose data key sealed address and render requests; null: the tenant's key. */
  @Column('text', { name: 'recipient_id', nullable: true })
  recipientId!: string | null;

  @Column('timestamptz', { name: 'decided_at' })
  decidedAt!: Date;
}
