import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A message the gateway accepted, so that its status can be answered before analytics has it. */
@Entity({ schema: 'gateway', name: 'accepted_messages' })
export class AcceptedMessageEntity {
  @PrimaryColumn({ name: 'message_id', type: 'uuid' })
  messageId!: string;

  @Column({ name: 'tenant_id', type: 'varchar', length: 64 })
  tenantId!: string;

  @Column({ name: 'accepted_at', type: 'timestamptz' })
  acceptedAt!: Date;
}
