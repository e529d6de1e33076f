import { Injectable, Logger } from '@nestjs/common';
import type { MessageAccepted } from '@switchboard/contracts';
import { bulkInsert } from '@switchboard/persistence';
import { DataSource } from 'typeorm';
import { MessageEncryption, type SealedMessageValues } from '../encryption/message-encryption';
import type { IngestMessage } from './ingest-message';
import { MessageStore } from './message-store';

interface MessageRow {
  message_id: string;
  tenant_id: string;
  source: 'http' | 'upstream';
  idempotency_key: string | null;
  /** Email and phone sealed (or plaintext in rows not yet rewritten); the id in the clear. */
  recipient: Record<string, unknown>;
  channels: NonNullable<MessageAccepted['channels']> | null;
  channel_policy: NonNullable<MessageAccepted['channelPolicy']> | null;
  /** A sealed string, or the plaintext object in rows not yet rewritten. */
  content: unknown;
  priority: NonNullable<MessageAccepted['priority']> | null;
  message_type: string | null;
  dedup_key: string | null;
  send_at: Date | null;
  accepted_at: Date;
}

/** Accepted messages, their recipient's email and phone and their content stored encrypted (MessageEncryption). */
@Injectable()
export class MessageRepository extends MessageStore {
  private readonly logger = new Logger(MessageRepository.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly encryption: MessageEncryption,
  ) {
    super();
  }

  async insertNew(messages: IngestMessage[]): Promise<Set<string>> {
    const sealed = await this.encryption.sealMany(messages.map(({ message }) => message));
    const inserted = await bulkInsert(
      this.dataSource.manager,
      'ingest.messages',
      messages.map((message, index) => toRow(message, sealed[index])),
      { onConflictDoNothing: true, returning: ['message_id'] },
    );
    return new Set(inserted.map((row) => String(row.message_id)));
  }

  async findByIds(messageIds: string[]): Promise<MessageAccepted[]> {
    const rows: MessageRow[] = await this.dataSource.query(
      `SELECT message_id, tenant_id, source, idempotency_key, recipient, channels, channel_policy, content, priority, message_type, dedup_key, send_at, accepted_at
       FROM ingest.messages WHERE message_id = ANY($1::uuid[])`,
      [messageIds],
    );
    const opened = await this.encryption.openMany(
      rows.map((row) => ({ tenantId: row.tenant_id, recipient: row.recipient, content: row.content })),
    );
    return rows.flatMap((row, index) => {
      const values = opened[index];
      if (values.ok) return [fromRow(row, values.recipient, values.content)];
      // Erased (its key destroyed) or altered: there is nothing to hand on again.
      this.logger.warn(`stored message ${row.message_id} of tenant ${row.tenant_id} cannot be read`, {
        code: values.code,
        keyId: values.keyId,
      });
      return [];
    });
  }
}

function toRow({ message, upstream }: IngestMessage, sealed: SealedMessageValues): Record<string, unknown> {
  return {
    message_id: message.messageId,
    tenant_id: message.tenantId,
    source: message.source,
    idempotency_key: message.idempotencyKey ?? null,
    recipient: JSON.stringify(sealed.recipient),
    channels: message.channels ?? null,
    channel_policy: message.channelPolicy ?? null,
    content: JSON.stringify(sealed.content),
    priority: message.priority ?? null,
    message_type: message.type ?? null,
    dedup_key: message.dedupKey ?? null,
    send_at: message.sendAt ?? null,
    accepted_at: message.acceptedAt,
    upstream_topic: upstream?.topic ?? null,
    upstream_partition: upstream?.partition ?? null,
    upstream_offset: upstream?.offset ?? null,
  };
}

function fromRow(
  row: MessageRow,
  recipient: Record<string, unknown>,
  content: Record<string, unknown>,
): MessageAccepted {
  return {
    tenantId: row.tenant_id,
    messageId: row.message_id,
    acceptedAt: row.accepted_at.toISOString(),
    source: row.source,
    ...(row.idempotency_key === null ? {} : { idempotencyKey: row.idempotency_key }),
    recipient: recipient as MessageAccepted['recipient'],
    ...(row.channels === null ? {} : { channels: row.channels }),
    ...(row.channel_policy === null ? {} : { channelPolicy: row.channel_policy }),
    content: content as MessageAccepted['content'],
    ...(row.priority === null ? {} : { priority: row.priority }),
    ...(row.message_type === null ? {} : { type: row.message_type }),
    ...(row.dedup_key === null ? {} : { dedupKey: row.dedup_key }),
    ...(row.send_at === null ? {} : { sendAt: row.send_at.toISOString() }),
  };
}
