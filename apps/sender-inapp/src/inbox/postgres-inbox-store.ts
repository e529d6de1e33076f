import { Injectable } from '@nestjs/common';
import type { InappDispatch } from '@switchboard/contracts';
import { bulkInsert } from '@switchboard/persistence';
import { DataSource } from 'typeorm';
import type {
  InboxChange,
  InboxOwner,
  InboxStatusFilter,
  InboxStore,
  StoredInboxItem,
  StoreResult,
  UpdatedInboxItem,
} from './inbox-store';

const TABLE = 'sender_inapp.inbox_items';
// Queries order by the table's bigint, not by the text column of the same name they return.
const COLUMNS = columnsOf('');

function columnsOf(alias: string): string {
  const column = (name: string) => `${alias}${name}`;
  return [
    ...['tenant_id', 'recipient_id', 'message_id'].map(column),
    `${column('sequence')}::text AS sequence`,
    ...['title', 'body', 'action_url', 'data', 'created_at', 'read_at', 'archived_at'].map(column),
  ].join(', ');
}

interface InboxItemRow {
  tenant_id: string;
  recipient_id: string;
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

// Archived items are out of the inbox: they show only when asked for.
const STATUS_CONDITIONS: Record<InboxStatusFilter, string> = {
  all: 'archived_at IS NULL',
  unread: 'archived_at IS NULL AND read_at IS NULL',
  read: 'archived_at IS NULL AND read_at IS NOT NULL',
  archived: 'archived_at IS NOT NULL',
};

@Injectable()
export class PostgresInboxStore implements InboxStore {
  constructor(private readonly dataSource: DataSource) {}

  async storeAll(dispatches: readonly InappDispatch[], createdAt: Date): Promise<StoreResult> {
    if (dispatches.length === 0) return { inserted: [], existing: [] };
    const rows = dispatches.map((dispatch) => ({
      tenant_id: dispatch.tenantId,
      recipient_id: dispatch.recipientId,
      message_id: dispatch.messageId,
      title: dispatch.title,
      body: dispatch.body,
      action_url: dispatch.actionUrl ?? null,
      data: dispatch.data === undefined ? null : JSON.stringify(dispatch.data),
      created_at: createdAt,
    }));
    const inserted = (await bulkInsert(this.dataSource, TABLE, rows, {
      onConflictDoNothing: ['tenant_id', 'message_id'],
      returning: [
        'tenant_id',
        'recipient_id',
        'message_id',
        'sequence',
        'title',
        'body',
        'action_url',
        'data',
        'created_at',
        'read_at',
        'archived_at',
      ],
    })) as unknown as InboxItemRow[];
    const insertedKeys = new Set(inserted.map((row) => `${row.tenant_id}:${row.message_id}`));
    const missing = dispatches.filter(
      (dispatch) => !insertedKeys.has(`${dispatch.tenantId}:${dispatch.messageId}`),
    );
    const existing: InboxItemRow[] =
      missing.length === 0
        ? []
        : await this.dataSource.query(
            `SELECT ${COLUMNS} FROM ${TABLE}
             WHERE (tenant_id, message_id) IN (SELECT * FROM unnest($1::text[], $2::uuid[]))`,
            [missing.map((dispatch) => dispatch.tenantId), missing.map((dispatch) => dispatch.messageId)],
          );
    return { inserted: inserted.map(toItem), existing: existing.map(toItem) };
  }

  async list(
    owner: InboxOwner,
    query: { status: InboxStatusFilter; limit: number; beforeSequence?: string },
  ): Promise<StoredInboxItem[]> {
    const rows: InboxItemRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM ${TABLE}
       WHERE tenant_id = $1 AND recipient_id = $2 AND ${STATUS_CONDITIONS[query.status]}
         AND ($3::bigint IS NULL OR sequence < $3::bigint)
       ORDER BY inbox_items.sequence DESC LIMIT $4`,
      [owner.tenantId, owner.recipientId, query.beforeSequence ?? null, query.limit],
    );
    return rows.map(toItem);
  }

  async listAfter(owner: InboxOwner, sequence: string, limit: number): Promise<StoredInboxItem[]> {
    const rows: InboxItemRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM ${TABLE}
       WHERE tenant_id = $1 AND recipient_id = $2 AND sequence > $3::bigint AND archived_at IS NULL
       ORDER BY inbox_items.sequence LIMIT $4`,
      [owner.tenantId, owner.recipientId, sequence, limit],
    );
    return rows.map(toItem);
  }

  async countUnread(owner: InboxOwner): Promise<number> {
    const [row]: Array<{ unread: number }> = await this.dataSource.query(
      `SELECT count(*)::int AS unread FROM ${TABLE}
       WHERE tenant_id = $1 AND recipient_id = $2 AND read_at IS NULL AND archived_at IS NULL`,
      [owner.tenantId, owner.recipientId],
    );
    return row.unread;
  }

  async update(
    owner: InboxOwner,
    messageId: string,
    change: InboxChange,
  ): Promise<UpdatedInboxItem | undefined> {
    // TypeORM answers an UPDATE with [rows, affected count].
    // One statement: the locked row's previous state says whether this change is the first read
    // or a move into the archive, even when two requests race.
    const [rows]: [Array<InboxItemRow & { first_read: boolean; archived_now: boolean }>, number] =
      await this.dataSource.query(
        `UPDATE ${TABLE} AS item SET
           read_at = CASE WHEN $4::boolean IS NULL THEN item.read_at
                          WHEN $4::boolean THEN coalesce(item.read_at, now()) ELSE NULL END,
           first_read_at = CASE WHEN $4::boolean THEN coalesce(item.first_read_at, now())
                                ELSE item.first_read_at END,
           archived_at = CASE WHEN $5::boolean IS NULL THEN item.archived_at
                              WHEN $5::boolean THEN coalesce(item.archived_at, now()) ELSE NULL END
         FROM (SELECT tenant_id, message_id, first_read_at, archived_at FROM ${TABLE}
               WHERE tenant_id = $1 AND recipient_id = $2 AND message_id = $3 FOR UPDATE) AS previous
         WHERE item.tenant_id = previous.tenant_id AND item.message_id = previous.message_id
         RETURNING ${columnsOf('item.')},
           ($4::boolean AND previous.first_read_at IS NULL) AS first_read,
           ($5::boolean AND previous.archived_at IS NULL) AS archived_now`,
        [owner.tenantId, owner.recipientId, messageId, change.read ?? null, change.archived ?? null],
      );
    const [row] = rows;
    if (!row) return undefined;
    return { item: toItem(row), firstRead: row.first_read === true, archived: row.archived_now === true };
  }

  async findBySequences(sequences: readonly string[]): Promise<StoredInboxItem[]> {
    if (sequences.length === 0) return [];
    const rows: InboxItemRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM ${TABLE} WHERE sequence = ANY($1::bigint[]) ORDER BY inbox_items.sequence`,
      [sequences],
    );
    return rows.map(toItem);
  }
}

function toItem(row: InboxItemRow): StoredInboxItem {
  return {
    tenantId: row.tenant_id,
    recipientId: row.recipient_id,
    messageId: row.message_id,
    sequence: String(row.sequence),
    title: row.title,
    body: row.body,
    actionUrl: row.action_url,
    data: row.data,
    createdAt: new Date(row.created_at),
    readAt: row.read_at,
    archivedAt: row.archived_at,
  };
}
