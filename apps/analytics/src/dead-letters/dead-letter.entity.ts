import { Column, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';

/** An event a consumer could not process, parked with why, until it is redriven. */
@Entity({ schema: 'analytics', name: 'dead_letters' })
@Unique('dead_letters_once', ['originalTopic', 'originalPartition', 'originalOffset'])
export class DeadLetterEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  /** Null when the event carried no tenant: no tenant's API shows it. */
  @Column('text', { name: 'tenant_id', nullable: true })
  tenantId!: string | null;

  @Column('text', { name: 'message_id', nullable: true })
  messageId!: string | null;

  @Column('text', { name: 'original_topic' })
  originalTopic!: string;

  @Column('integer', { name: 'original_partition' })
  originalPartition!: number;

  @Column('bigint', { name: 'original_offset' })
  originalOffset!: string;

  @Column('text')
  reason!: string;

  @Column('integer')
  attempts!: number;

  @Column('bytea', { name: 'record_key', nullable: true })
  recordKey!: Buffer | null;

  @Column('jsonb')
  headers!: Record<string, string>;

  @Column('bytea', { nullable: true })
  payload!: Buffer | null;

  @Column('timestamptz', { name: 'parked_at' })
  parkedAt!: Date;

  @Column('timestamptz', { name: 'redriven_at', nullable: true })
  redrivenAt!: Date | null;
}
