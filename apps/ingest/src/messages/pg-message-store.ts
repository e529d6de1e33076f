import { Injectable } from '@nestjs/common';
import type { MessageAccepted } from '@switchboard/contracts';
import { bulkInsert } from '@switchboard/persistence';
import { DataSource } from 'typeorm';
import type { IngestMessage } from './ingest-message';
import { MessageStore } from './message-store';

interface MessageRow {
  message_id: string;
  tenant_id: string;
  source: 'http' | 'upstream';
  idempotency_key: string | null;
  recipient: MessageAccepted['recipient'];
  channels: NonNullable<MessageAccepted['channels']> | null;
  channel_policy: NonNullable<MessageAccepted['channelPolicy']> | null;
  content: MessageAccepted['content'];
  priority: NonNullable<MessageAccepted['priority']> | null;
  message_type: string | null;
  dedup_key: string | null;
  send_at: Date | null;
  accepted_at: Date;
}

@Injectable()
export class PgMessageStore extends MessageStore {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  async insertNew(messages: IngestMessage[]): Promise<Set<string>> {
    const inserted = await bulkInsert(this.dataSource.manager, 'ingest.messages', messages.map(toRow), {
      onConflictDoNothing: true,
      returning: ['message_id'],
    });
    return new Set(inserted.map((row) => String(row.message_id)));
  }

  async findByIds(messageIds: string[]): Promise<MessageAccepted[]> {
    const rows: MessageRow[] = await this.dataSource.query(
      `SELECT message_id, tenant_id, source, idempotency_key, recipient, channels, channel_policy, content, priority, message_type, dedup_key, send_at, accepted_at
       FROM ingest.messages WHERE message_id = ANY($1::uuid[])`,
      [messageIds],
    );
    return rows.map(fromRow);
  }
}

function toRow({ message, upstream }: IngestMessage): Record<string, unknown> {
  return {
    message_id: message.messageId,
    tenant_id: message.tenantId,
    source: message.source,
    idempotency_key: message.idempotencyKey ?? null,
    recipient: JSON.stringify(message.recipient),
    channels: message.channels ?? null,
    channel_policy: message.channelPolicy ?? null,
    content: JSON.stringify(message.content),
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

function fromRow(row: MessageRow): MessageAccepted {
  return {
    tenantId: row.tenant_id,
    messageId: row.message_id,
    acceptedAt: row.accepted_at.toISOString(),
    source: row.source,
    ...(row.idempotency_key === null ? {} : { idempotencyKey: row.idempotency_key }),
    recipient: row.recipient,
    ...(row.channels === null ? {} : { channels: row.channels }),
    ...(row.channel_policy === null ? {} : { channelPolicy: row.channel_policy }),
    content: row.content,
    ...(row.priority === null ? {} : { priority: row.priority }),
    ...(row.message_type === null ? {} : { type: row.message_type }),
    ...(row.dedup_key === null ? {} : { dedupKey: row.dedup_key }),
    ...(row.send_at === null ? {} : { sendAt: row.send_at.toISOString() }),
  };
}
