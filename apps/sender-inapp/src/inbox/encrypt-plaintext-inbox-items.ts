import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { CIPHERTEXT_PREFIX, isEncrypted } from '@switchboard/encryption';
import { DataSource } from 'typeorm';
import { type InboxItemContent, InboxItemEncryption } from './inbox-item-encryption';

/** Items rewritten per statement: short enough that a reader of the same rows barely notices. */
export const PLAINTEXT_REWRITE_BATCH = 200;

const ENCRYPTED = `${CIPHERTEXT_PREFIX}%`;

interface PlaintextItemRow {
  tenant_id: string;
  recipient_id: string;
  message_id: string;
  sequence: string;
  title: string;
  body: string;
  action_url: string | null;
  data: unknown;
}

/**
 * Encrypts the inbox items written before encryption at rest came, in batches, at every start (in
 * the background: reads take plaintext as it is meanwhile, so nothing waits for it). A start with
 * nothing to do costs one query. An item a replica of the previous version writes during a rolling
 * update is rewritten at the next start.
 */
@Injectable()
export class EncryptPlaintextInboxItems implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(EncryptPlaintextInboxItems.name);
  private readonly stopping = new AbortController();
  private running: Promise<unknown> | undefined;

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(InboxItemEncryption) private readonly encryption: InboxItemEncryption,
  ) {}

  onApplicationBootstrap(): void {
    this.running = this.execute(this.stopping.signal)
      .then((rewritten) => {
        if (rewritten > 0) this.logger.log(`encrypted ${rewritten} inbox items written in plaintext`);
      })
      .catch((error: unknown) => {
        if (this.stopping.signal.aborted) return;
        // Reads keep taking plaintext, so this is not fatal; the next start tries again.
        this.logger.error(
          `encrypting plaintext inbox items stopped: ${error instanceof Error ? error.message : String(error)}`,
        );
      });
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    await this.running;
  }

  /** Rewrites every plaintext item there is; how many. */
  async execute(signal?: AbortSignal): Promise<number> {
    let rewrittenTotal = 0;
    // Keyset order on the unique sequence, so that each item is visited once per run.
    let after = '0';
    for (;;) {
      signal?.throwIfAborted();
      const batch = await this.rewriteBatch(after);
      if (batch === undefined) return rewrittenTotal;
      rewrittenTotal += batch.rewritten;
      after = batch.lastSequence;
    }
  }

  /*
   * No transaction holds rows while values are sealed (sealing may read or create data keys on
   * another connection). Instead the UPDATE changes only items that still hold the plaintext read,
   * so replicas doing this at once apply each item once.
   */
  private async rewriteBatch(
    after: string,
  ): Promise<{ rewritten: number; lastSequence: string } | undefined> {
    const rows: PlaintextItemRow[] = await this.dataSource.query(
      `SELECT tenant_id, recipient_id, message_id, sequence::text AS sequence, title, body, action_url, data
       FROM sender_inapp.inbox_items
       WHERE sequence > $1::bigint
         AND (title NOT LIKE $2 OR body NOT LIKE $2 OR (action_url IS NOT NULL AND action_url NOT LIKE $2)
              OR (data IS NOT NULL AND jsonb_typeof(data) <> 'string'))
       ORDER BY sequence
       LIMIT $3`,
      [after, ENCRYPTED, PLAINTEXT_REWRITE_BATCH],
    );
    if (rows.length === 0) return undefined;
    const sealed = await this.encryption.sealMany(
      rows.map((row) => ({
        tenantId: row.tenant_id,
        recipientId: row.recipient_id,
        content: plaintextOf(row),
      })),
    );
    // A value already encrypted is kept as it is; only plaintext is replaced by its ciphertext.
    const keep = <T>(stored: T, sealedValue: T) => (isEncrypted(stored) ? stored : sealedValue);
    const [{ rewritten }]: Array<{ rewritten: number }> = await this.dataSource.query(
      `WITH rewritten AS (
         UPDATE sender_inapp.inbox_items item
         SET title = sealed.title, body = sealed.body, action_url = sealed.action_url,
             data = sealed.data::jsonb
         FROM unnest($1::text[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[],
                     $7::text[], $8::text[], $9::text[], $10::text[])
           AS sealed(tenant_id, message_id, read_title, read_body, read_action_url, read_data,
                     title, body, action_url, data)
         WHERE item.tenant_id = sealed.tenant_id AND item.message_id = sealed.message_id
           AND item.title = sealed.read_title AND item.body = sealed.read_body
           AND item.action_url IS NOT DISTINCT FROM sealed.read_action_url
           AND item.data IS NOT DISTINCT FROM sealed.read_data::jsonb
         RETURNING 1)
       SELECT count(*)::int AS rewritten FROM rewritten`,
      [
        rows.map((row) => row.tenant_id),
        rows.map((row) => row.message_id),
        rows.map((row) => row.title),
        rows.map((row) => row.body),
        rows.map((row) => row.action_url),
        rows.map((row) => (row.data === null ? null : JSON.stringify(row.data))),
        rows.map((row, index) => keep(row.title, sealed[index].title)),
        rows.map((row, index) => keep(row.body, sealed[index].body)),
        rows.map((row, index) => keep(row.action_url, sealed[index].actionUrl)),
        rows.map((row, index) => {
          const data = keep(row.data, sealed[index].data);
          return data === null ? null : JSON.stringify(data);
        }),
      ],
    );
    return { rewritten, lastSequence: rows[rows.length - 1].sequence };
  }
}

/** What the row says, for sealing: a value already encrypted is sealed too but not written. */
function plaintextOf(row: PlaintextItemRow): InboxItemContent {
  return {
    title: row.title,
    body: row.body,
    actionUrl: row.action_url,
    data:
      typeof row.data === 'object' && row.data !== null && !Array.isArray(row.data)
        ? (row.data as Record<string, unknown>)
        : null,
  };
}
