import { Injectable } from '@nestjs/common';
import type { InboxItem } from '@switchboard/contracts';
import { DataSource } from 'typeorm';
import { inboxItemView } from '../inbox/inbox-item-view';

interface InboxItemRow {
  message_id: string;
  sequence: string;
  title: string;
  body: string;
  action_url: string | null;
  data: Record<string, unknown> | null;
  created_at: Date;
  read_at: Date | null;
  archived_at: Date | null;
}

export interface InboxExportPage {
  items: InboxItem[];
  /** The sequence of the page's last item when more follow. */
  lastSequence: string | null;
}

/** Every inbox item of one recipient, archived ones too, oldest first (index inbox_items_by_recipient). */
@Injectable()
export class PgInboxExportStore {
  constructor(private readonly dataSource: DataSource) {}

  async page(
    tenantId: string,
    recipientId: string,
    afterSequence: string | undefined,
    limit: number,
  ): Promise<InboxExportPage> {
    const rows: InboxItemRow[] = await this.dataSource.query(
      `SELECT message_id, sequence, title, body, action_url, data, created_at, read_at, archived_at
       FROM sender_inapp.inbox_items
       WHERE tenant_id = $1 AND recipient_id = $2 AND ($3::bigint IS NULL OR sequence > $3::bigint)
       ORDER BY sequence
       LIMIT $4`,
      [tenantId, recipientId, afterSequence ?? null, limit + 1],
    );
    const page = rows.slice(0, limit);
    return {
      items: page.map((row) =>
        inboxItemView({
          tenantId,
          recipientId,
          messageId: row.message_id,
          sequence: row.sequence,
          title: row.title,
          body: row.body,
          actionUrl: row.action_url,
          data: row.data,
          createdAt: row.created_at,
          readAt: row.read_at,
          archivedAt: row.archived_at,
        }),
      ),
      lastSequence: rows.length > limit ? (page.at(-1)?.sequence ?? null) : null,
    };
  }
}
