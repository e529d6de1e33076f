import { Inject, Injectable, Logger } from '@nestjs/common';
import type { InappDispatch } from '@switchboard/contracts';
import { bulkInsert } from '@switchboard/persistence';
import { DataSource } from 'typeorm';
import { InboxItemEncryption } from './inbox-item-encryption';
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
  /** A `sbenc:v1:` string, or the plaintext object of a row written before encryption. */
  data: unknown;
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

type InsertedRow = Pick<
  InboxItemRow,
  'tenant_id' | 'recipient_id' | 'message_id' | 'sequence' | 'created_at' | 'read_at' | 'archived_at'
>;

/**
 * The inbox table, its content (title, body, action URL, data) encrypted with each recipient's
 * data key: written sealed, read in the clear with one key lookup per page or batch. An item whose
 * content cannot be read (its recipient erased meanwhile, a value moved or changed) is left out of
 * what is read, and logged without its content.
 */
@Injectable()
export class InboxRepository implements InboxStore {
  private readonly logger = new Logger(InboxRepository.name);

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(InboxItemEncryption) private readonly encryption: InboxItemEncryption,
  ) {}

  async storeAll(dispatches: readonly InappDispatch[], createdAt: Date): Promise<StoreResult> {
    if (dispatches.length === 0) return { inserted: [], existing: [] };
    const contents = dispatches.map((dispatch) => ({
      tenantId: dispatch.tenantId,
      recipientId: dispatch.recipientId,
      content: {
        title: dispatch.title,
        body: dispatch.body,
        actionUrl: dispatch.actionUrl ?? null,
        data: dispatch.data ?? null,
      },
    }));
    // Sealed on the pool before the insert: one key lookup for the batch.
    const sealed = await this.encryption.sealMany(contents);
    const rows = dispatches.map((dispatch, index) => ({
      tenant_id: dispatch.tenantId,
      recipient_id: dispatch.recipientId,
      message_id: dispatch.messageId,
      title: sealed[index].title,
      body: sealed[index].body,
      action_url: sealed[index].actionUrl,
      // A jsonb string: the ciphertext of the whole object.
      data: sealed[index].data === null ? null : JSON.stringify(sealed[index].data),
      created_at: createdAt,
    }));
    const inserted = (await bulkInsert(this.dataSource, TABLE, rows, {
      onConflictDoNothing: ['tenant_id', 'message_id'],
      returning: [
        'tenant_id',
        'recipient_id',
        'message_id',
        'sequence',
        'created_at',
        'read_at',
        'archived_at',
      ],
    })) as unknown as InsertedRow[];
    // What was just inserted is shown from the dispatches, not decrypted back.
    const contentByKey = new Map(
      dispatches.map((dispatch, index) => [`${dispatch.tenantId}:${dispatch.messageId}`, contents[index]]),
    );
    const insertedItems = inserted.map((row) => {
      const { content } = contentByKey.get(`${row.tenant_id}:${row.message_id}`)!;
      return toItem({
        ...row,
        title: content.title,
        body: content.body,
        action_url: content.actionUrl,
        data: content.data,
      });
    });
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
    return { inserted: insertedItems, existing: await this.open(existing) };
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
    return this.open(rows);
  }

  async listAfter(owner: InboxOwner, sequence: string, limit: number): Promise<StoredInboxItem[]> {
    const rows: InboxItemRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM ${TABLE}
       WHERE tenant_id = $1 AND recipient_id = $2 AND sequence > $3::bigint AND archived_at IS NULL
       ORDER BY inbox_items.sequence LIMIT $4`,
      [owner.tenantId, owner.recipientId, sequence, limit],
    );
    return this.open(rows);
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
    const [item] = await this.open([row]);
    if (item === undefined) return undefined;
    return { item, firstRead: row.first_read === true, archived: row.archived_now === true };
  }

  async findBySequences(sequences: readonly string[]): Promise<StoredInboxItem[]> {
    if (sequences.length === 0) return [];
    const rows: InboxItemRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM ${TABLE} WHERE sequence = ANY($1::bigint[]) ORDER BY inbox_items.sequence`,
      [sequences],
    );
    return this.open(rows);
  }

  /** The rows' items in the clear, in the same order, without those that cannot be read. */
  private async open(rows: readonly InboxItemRow[]): Promise<StoredInboxItem[]> {
    if (rows.length === 0) return [];
    const opened = await this.encryption.openMany(
      rows.map((row) => ({
        tenantId: row.tenant_id,
        recipientId: row.recipient_id,
        content: { title: row.title, body: row.body, actionUrl: row.action_url, data: row.data },
      })),
    );
    return rows.flatMap((row, index) => {
      const result = opened[index];
      if (result.ok) {
        const { title, body, actionUrl, data } = result.content;
        return [toItem({ ...row, title, body, action_url: actionUrl, data })];
      }
      for (const { field, code, keyId } of result.unreadable) {
        // Tenant, message and data key ids only: never the content nor the recipient id.
        this.logger.warn(
          `the ${field} of inbox item ${row.message_id} of tenant ${row.tenant_id} (data key ${keyId ?? 'unknown'}) does not decrypt: ${code}; the item is left out`,
        );
      }
      return [];
    });
  }
}

function toItem(
  row: InsertedRow & Pick<StoredInboxItem, 'title' | 'body' | 'data'> & { action_url: string | null },
): StoredInboxItem {
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
