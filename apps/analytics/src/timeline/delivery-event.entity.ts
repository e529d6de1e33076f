import { Column, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';

/** One step of a message's life as a service reported it; redelivery does not add a second row. */
@Entity({ schema: 'analytics', name: 'delivery_events' })
@Unique('delivery_events_once', ['messageId', 'type', 'source', 'occurredAt'])
export class DeliveryEventEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column('text', { name: 'tenant_id' })
  tenantId!: string;

  @Column('uuid', { name: 'message_id' })
  messageId!: string;

  @Column('text')
  type!: string;

  @Column('timestamptz', { name: 'occurred_at' })
  occurredAt!: Date;

  @Column('text')
  source!: string;

  @Column('text', { nullable: true })
  channel!: string | null;

  @Column('text', { nullable: true })
  provider!: string | null;

  @Column('text', { nullable: true })
  reason!: string | null;

  /** Router decisions: the sending rule that decided. */
  @Column('text', { nullable: true })
  rule!: string | null;

  @Column('jsonb', { nullable: true })
  detail!: Record<string, string | number | boolean> | null;
}
