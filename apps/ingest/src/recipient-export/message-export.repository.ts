import { Injectable } from '@nestjs/common';
import type { ChannelName, ExportedMessage } from '@switchboard/contracts';
import { DataSource } from 'typeorm';
import { MessageEncryption } from '../encryption/message-encryption';
import type { MessageExportPosition } from './message-export-cursor';

interface ExportedMessageRow {
  message_id: string;
  accepted_at: Date;
  /** accepted_at to the microsecond, as the next page's cursor compares it. */
  accepted_at_text: string;
  source: string;
  recipient: Record<string, unknown>;
  message_type: string | null;
  channels: ChannelName[] | null;
  channel_policy: string | null;
  priority: string | null;
  /** Sealed, or the plaintext object in rows not yet rewritten. */
  content: unknown;
  send_at: Date | null;
}

export interface MessageExportPage {
  messages: ExportedMessage[];
  /** Where the page ended; null when it was the last. */
  last: MessageExportPosition | null;
}

/** The messages addressed to one recipient id, oldest first, a page at a time (index messages_by_recipient). */
@Injectable()
export class MessageExportRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly encryption: MessageEncryption,
  ) {}

  async page(
    tenantId: string,
    recipientId: string,
    after: MessageExportPosition | undefined,
    limit: number,
  ): Promise<MessageExportPage> {
    const rows: ExportedMessageRow[] = await this.dataSource.query(
      `SELECT message_id, accepted_at,
              to_char(accepted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS accepted_at_text,
              source, recipient, message_type, channels, channel_policy, priority, content, send_at
       FROM ingest.messages
       WHERE tenant_id = $1 AND recipient ->> 'id' = $2
         AND ($3::timestamptz IS NULL OR (accepted_at, message_id) > ($3::timestamptz, $4::uuid))
       ORDER BY accepted_at, message_id
       LIMIT $5`,
      [tenantId, recipientId, after?.acceptedAt ?? null, after?.messageId ?? null, limit + 1],
    );
    const page = rows.slice(0, limit);
    const lastRow = page.at(-1);
    // One key lookup for the page. A message whose values no longer open (its recipient's key was
    // destroyed, the rows not yet deleted) is exported without them.
    const opened = await this.encryption.openMany(
      page.map((row) => ({ tenantId, recipient: row.recipient, content: row.content })),
    );
    return {
      messages: page.map((row, index) => {
        const values = opened[index];
        return toExportedMessage(
          row,
          values.ok
            ? values.recipient
            : { ...(typeof row.recipient.id === 'string' ? { id: row.recipient.id } : {}) },
          values.ok ? values.content : {},
        );
      }),
      last:
        rows.length > limit && lastRow
          ? { acceptedAt: lastRow.accepted_at_text, messageId: lastRow.message_id }
          : null,
    };
  }
}

function toExportedMessage(
  row: ExportedMessageRow,
  recipient: Record<string, unknown>,
  content: Record<string, unknown>,
): ExportedMessage {
  return {
    messageId: row.message_id,
    acceptedAt: row.accepted_at.toISOString(),
    source: row.source,
    recipient,
    messageType: row.message_type,
    channels: row.channels,
    channelPolicy: row.channel_policy,
    priority: row.priority,
    content,
    sendAt: row.send_at?.toISOString() ?? null,
  };
}
