import { Inject, Injectable, Logger } from '@nestjs/common';
import type { InboxItem } from '@switchboard/contracts';
import { DataSource } from 'typeorm';
import { InboxItemEncryption } from '../inbox/inbox-item-encryption';
import { inboxItemView } from '../inbox/inbox-item-view';

interface InboxItemRow {
  message_id: string;
  sequence: string;
  title: string;
  body: string;
  action_url: string | null;
  /** A `sbenc:v1:` string, or the plaintext object of a row written before encryption. */
  data: unknown;
  created_at: Date;
  read_at: Date | null;
  archived_at: Date | null;
}

export interface InboxExportPage {
  items: InboxItem[];
  /** The sequence of the page's last item when more follow. */
  lastSequence: string | null;
}

/**
 * Every inbox item of one recipient, archived ones too, oldest first (index inbox_items_by_recipient),
 * decrypted with one key lookup per page. An item that cannot be read is left out and logged.
 */
@Injectable()
export class InboxExportRepository {
  private readonly logger = new Logger(InboxExportRepository.name);

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(InboxItemEncryption) private readonly encryption: InboxItemEncryption,
  ) {}

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
    const opened = await this.encryption.openMany(
      page.map((row) => ({
        tenantId,
        recipientId,
        content: { title: row.title, body: row.body, actionUrl: row.action_url, data: row.data },
      })),
    );
    const items = page.flatMap((row, index) => {
      const result = opened[index];
      if (!result.ok) {
        for (const { field, code, keyId } of result.unreadable) {
          // Tenant, message and data key ids only: never the content nor the recipient id.
          this.logger.warn(
            `the ${field} of inbox item ${row.message_id} of tenant ${tenantId} (data key ${keyId ?? 'unknown'}) does not decrypt: ${code}; left out of the export`,
          );
        }
        return [];
      }
      return [
        inboxItemView({
          tenantId,
          recipientId,
          messageId: row.message_id,
          sequence: row.sequence,
          ...result.content,
          createdAt: row.created_at,
          readAt: row.read_at,
          archivedAt: row.archived_at,
        }),
      ];
    });
    return {
      items,
      lastSequence: rows.length > limit ? (page.at(-1)?.sequence ?? null) : null,
    };
  }
}
