import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A tenant's cancellation of a message, kept so routing ends the message 'cancelled' if it has not yet. */
@Entity({ schema: 'router', name: 'cancellations' })
export class CancellationEntity {
  @PrimaryColumn('text', { name: 'tenant_id' })
  tenantId!: string;

  @PrimaryColumn('uuid', { name: 'message_id' })
  messageId!: string;

  @Column('timestamptz', { name: 'cancelled_at' })
  cancelledAt!: Date;
}
