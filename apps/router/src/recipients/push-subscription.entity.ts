import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A browser's Web Push subscription of a recipient; an endpoint belongs to one recipient per tenant. */
@Entity({ schema: 'router', name: 'push_subscriptions' })
@Index('push_subscriptions_endpoint', ['tenantId', 'endpoint'], { unique: true })
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

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt!: Date;
}
