import { Injectable } from '@nestjs/common';
import type { ChannelName, ExportedMessage } from '@switchboard/contracts';
import { DataSource } from 'typeorm';
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
  content: Record<string, unknown>;
  send_at: Date | null;
}

export interface MessageExportPage {
  messages: ExportedMessage[];
  /** Where the page ended; null when it was the last. */
  last: MessageExportPosition | null;
}

/** The messages addressed to one recipient id, oldest first, a page at a time (index messages_by_recipient). */
@Injectable()
export class PgMessageExportStore {
  constructor(private readonly dataSource: DataSource) {}

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
    return {
      messages: page.map(toExportedMessage),
      last:
        rows.length > limit && lastRow
          ? { acceptedAt: lastRow.accepted_at_text, messageId: lastRow.message_id }
          : null,
    };
  }
}

function toExportedMessage(row: ExportedMessageRow): ExportedMessage {
  return {
    messageId: row.message_id,
    acceptedAt: row.accepted_at.toISOString(),
    source: row.source,
    recipient: row.recipient,
    messageType: row.message_type,
    channels: row.channels,
    channelPolicy: row.channel_policy,
    priority: row.priority,
    content: row.content,
    sendAt: row.send_at?.toISOString() ?? null,
  };
}
