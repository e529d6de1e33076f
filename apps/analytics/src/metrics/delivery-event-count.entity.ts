import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * How many delivery events of one type a channel's provider reported, as counted by the batches of
 * one delivery-events partition (`shard`); the metrics sum the shards. An event without a channel or
 * provider counts under ''.
 */
@Entity({ schema: 'analytics', name: 'delivery_event_counts' })
export class DeliveryEventCountEntity {
  @PrimaryColumn('text')
  channel!: string;

  @PrimaryColumn('text')
  provider!: string;

  @PrimaryColumn('text')
  type!: string;

  @PrimaryColumn('integer')
  shard!: number;

  @Column('bigint')
  events!: string;
}
