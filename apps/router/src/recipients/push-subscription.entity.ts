import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A browser's Web Push subscription of a recipient; an endpoint belongs to one recipient per tenant.
 * Endpoint, p256dh and auth are stored encrypted; the endpoint is found by its blind index.
 */
@Entity({ schema: 'router', name: 'push_subscriptions' })
@Index('push_subscriptions_endpoint', ['tenantId', 'endpoint'], { unique: true })
@Index('push_subscriptions_endpoint_index', ['tenantId', 'endpointIndex'], { unique: true })
@Index('push_subscriptions_recipient', ['tenantId', 'recipientId', 'createdAt'])
export class PushSubscriptionEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column('text', { name: 'tenant_id' })
  tenantId!: string;

  @Column('text', { name: 'recipient_id' })
  recipientId!: string;

  @Column('text')
  endpoint!: string;

  @Column('text')
  p256dh!: string;

  @Column('text')
  auth!: string;

  /** Blind index (keyed HMAC) of the endpoint; null on a row not rewritten since encryption came. */
  @Column('text', { name: 'endpoint_index', nullable: true })
  endpointIndex!: string | null;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt!: Date;
}
