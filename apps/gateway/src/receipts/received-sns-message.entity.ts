import { Column, Entity, PrimaryColumn } from 'typeorm';

/** An SNS message id already handled; kept for the replay window, then purged by housekeeping. */
@Entity({ schema: 'gateway', name: 'received_sns_messages' })
export class ReceivedSnsMessageEntity {
  @PrimaryColumn({ name: 'message_id', type: 'varchar', length: 200 })
  messageId!: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;
}
