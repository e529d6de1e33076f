import type { ChannelName, ChannelPolicyName, MessageContent, Recipient } from '@switchboard/contracts';
import { Column, Entity, PrimaryColumn, Unique } from 'typeorm';

/** A message ingest accepted; its id and its (tenant, source, idempotency key) are each stored once. */
@Entity({ schema: 'ingest', name: 'messages' })
@Unique('messages_idempotency_key', ['tenantId', 'source', 'idempotencyKey'])
export class MessageEntity {
  @PrimaryColumn('uuid', { name: 'message_id' })
  messageId!: string;

  @Column('text', { name: 'tenant_id' })
  tenantId!: string;

  @Column('text')
  source!: 'http' | 'upstream';

  @Column('text', { name: 'idempotency_key', nullable: true })
  idempotencyKey!: string | null;

  /** The recipient, its email and phone sealed (`sbenc:v1:`); its id in the clear for erasure and export. */
  @Column('jsonb')
  recipient!: Recipient;

  @Column('text', { array: true, nullable: true })
  channels!: ChannelName[] | null;

  @Column('text', { name: 'channel_policy', nullable: true })
  channelPolicy!: ChannelPolicyName | null;

  /** The whole content sealed, as a jsonb string; an object in rows not yet rewritten (EncryptPlaintextMessages). */
  @Column('jsonb')
  content!: MessageContent | string;

  @Column('text', { nullable: true })
  priority!: 'high' | 'normal' | 'bulk' | null;

  @Column('text', { name: 'message_type', nullable: true })
  messageType!: string | null;

  @Column('text', { name: 'dedup_key', nullable: true })
  dedupKey!: string | null;

  @Column('timestamptz', { name: 'send_at', nullable: true })
  sendAt!: Date | null;

  @Column('timestamptz', { name: 'accepted_at' })
  acceptedAt!: Date;

  @Column('text', { name: 'upstream_topic', nullable: true })
  upstreamTopic!: string | null;

  @Column('integer', { name: 'upstream_partition', nullable: true })
  upstreamPartition!: number | null;

  @Column('bigint', { name: 'upstream_offset', nullable: true })
  upstreamOffset!: string | null;
}
