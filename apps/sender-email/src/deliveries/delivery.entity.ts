import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export type DeliveryStatus = 'sending' | 'sent' | 'failed';

/** One email per message: the row is claimed before the provider call and marked after it. */
@Entity({ schema: 'sender_email', name: 'deliveries' })
export class DeliveryEntity {
  @PrimaryColumn('uuid', { name: 'message_id' })
  messageId!: string;

  @Column('text', { name: 'tenant_id' })
  tenantId!: string;

  @Column('text')
  status!: DeliveryStatus;

  @Column('text')
  provider!: string;

  // Receipts name the provider's id: the index finds their messages.
  @Index('deliveries_provider_message_id')
  @Column('text', { name: 'provider_message_id', nullable: true })
  providerMessageId!: string | null;

  /** Why a permanent failure happened. */
  @Column('text', { nullable: true })
  reason!: string | null;

  @Column('integer', { default: 1 })
  attempts!: number;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt!: Date;
}
