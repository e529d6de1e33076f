import { Column, Entity, PrimaryColumn } from 'typeorm';

/** How many messages have this status now, as moved by one delivery-events partition's batches. */
@Entity({ schema: 'analytics', name: 'message_status_counts' })
export class MessageStatusCountEntity {
  @PrimaryColumn('text')
  status!: string;

  @PrimaryColumn('integer')
  shard!: number;

  /** One shard's net moves; only the sum over shards is a number of messages. */
  @Column('bigint')
  messages!: string;
}
