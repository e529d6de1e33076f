import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { CIPHERTEXT_PREFIX, isEncrypted } from '@switchboard/encryption';
import { DataSource } from 'typeorm';
import type { RecipientChanges } from './recipient';
import { RecipientEncryption } from './recipient-encryption';

/** Rows rewritten per transaction: short enough that a request waiting on one of them barely notices. */
export const PLAINTEXT_REWRITE_BATCH = 200;

const PLAINTEXT = `${CIPHERTEXT_PREFIX}%`;

interface PlaintextRecipientRow {
  tenant_id: string;
  recipient_id: string;
  email: string | null;
  phone: string | null;
  attributes: unknown;
}

interface PlaintextSubscriptionRow {
  id: string;
  tenant_id: string;
  recipient_id: string;
  endpoint: string;
  p256dh: string;
  auth: string;
}

export interface PlaintextRewriteReport {
  recipients: number;
  pushSubscriptions: number;
  /** Subscriptions dropped because the same endpoint had been registered again, encrypted, meanwhile. */
  duplicatesRemoved: number;
}

/**
 * Encrypts the recipients and push subscriptions written before encryption at rest came, in
 * batches, at every start (in the background: reads take plaintext as it is meanwhile, so nothing
 * waits for it). A start with nothing to do costs two queries. A row a replica of the previous
 * version writes during a rolling update is rewritten at the next start.
 */
@Injectable()
export class EncryptPlaintextRecipients implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(EncryptPlaintextRecipients.name);
  private readonly stopping = new AbortController();
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly encryption: RecipientEncryption,
  ) {}

  onApplicationBootstrap(): void {
    this.running = this.execute(this.stopping.signal)
      .then((report) => {
        const total = report.recipients + report.pushSubscriptions + report.duplicatesRemoved;
        if (total > 0) {
          this.logger.log(
            `encrypted ${report.recipients} recipients and ${report.pushSubscriptions} push subscriptions written in plaintext (${report.duplicatesRemoved} duplicate subscriptions removed)`,
          );
        }
      })
      .catch((error: unknown) => {
        if (this.stopping.signal.aborted) return;
        // Reads keep taking plaintext, so this is not fatal; the next start tries again.
        this.logger.error(
          `encrypting plaintext recipients stopped: ${error instanceof Error ? error.message : String(error)}`,
        );
      });
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    await this.running;
  }

  /** Rewrites every plaintext row there is; what it did. */
  async execute(signal?: AbortSignal): Promise<PlaintextRewriteReport> {
    const report: PlaintextRewriteReport = { recipients: 0, pushSubscriptions: 0, duplicatesRemoved: 0 };
    // Keyset order, so that each row is visited once per run whatever happens to it meanwhile.
    let after = { tenantId: '', recipientId: '' };
    for (;;) {
      signal?.throwIfAborted();
      const batch = await this.recipientBatch(after);
      if (batch === undefined) break;
      report.recipients += batch.rewritten;
      after = batch.last;
    }
    let afterId = '0';
    for (;;) {
      signal?.throwIfAborted();
      const batch = await this.subscriptionBatch(afterId);
      if (batch === undefined) break;
      report.pushSubscriptions += batch.rewritten;
      report.duplicatesRemoved += batch.removed;
      afterId = batch.lastId;
    }
    return report;
  }

  /*
   * No transaction holds rows while values are sealed: sealing may read or create data keys on
   * another connection, which the embedded database would make wait for the transaction. Instead
   * each UPDATE changes only rows that still hold the plaintext read, so a request that wrote the
   * row meanwhile (encrypted) wins, and replicas doing this at once apply each row once.
   */
  private async recipientBatch(after: {
    tenantId: string;
    recipientId: string;
  }): Promise<{ rewritten: number; last: { tenantId: string; recipientId: string } } | undefined> {
    const rows: PlaintextRecipientRow[] = await this.dataSource.query(
      `SELECT tenant_id, recipient_id, email, phone, attributes FROM router.recipients
       WHERE (tenant_id, recipient_id) > ($1, $2)
         AND ((email IS NOT NULL AND email NOT LIKE $3) OR (phone IS NOT NULL AND phone NOT LIKE $3)
              OR jsonb_typeof(attributes) <> 'string')
       ORDER BY tenant_id, recipient_id
       LIMIT $4`,
      [after.tenantId, after.recipientId, PLAINTEXT, PLAINTEXT_REWRITE_BATCH],
    );
    if (rows.length === 0) return undefined;
    // Only what is still plaintext is sealed; a value already encrypted is written back as it is.
    const sealed = await this.encryption.sealChanges(
      rows.map((row) => {
        const changes: RecipientChanges = {};
        if (row.email !== null && !isEncrypted(row.email)) changes.email = row.email;
        if (row.phone !== null && !isEncrypted(row.phone)) changes.phone = row.phone;
        if (!isEncrypted(row.attributes)) changes.attributes = row.attributes as Record<string, unknown>;
        return { tenantId: row.tenant_id, recipientId: row.recipient_id, changes };
      }),
    );
    const [{ rewritten }]: Array<{ rewritten: number }> = await this.dataSource.query(
      `WITH rewritten AS (
         UPDATE router.recipients r
         SET email = sealed.email, phone = sealed.phone, attributes = sealed.attributes::jsonb
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
           AS sealed(tenant_id, recipient_id, read_email, read_phone, read_attributes, email, phone, attributes)
         WHERE r.tenant_id = sealed.tenant_id AND r.recipient_id = sealed.recipient_id
           AND r.email IS NOT DISTINCT FROM sealed.read_email
           AND r.phone IS NOT DISTINCT FROM sealed.read_phone
           AND r.attributes = sealed.read_attributes::jsonb
         RETURNING 1)
       SELECT count(*)::int AS rewritten FROM rewritten`,
      [
        rows.map((row) => row.tenant_id),
        rows.map((row) => row.recipient_id),
        rows.map((row) => row.email),
        rows.map((row) => row.phone),
        rows.map((row) => JSON.stringify(row.attributes)),
        rows.map((row, index) => sealed[index].email ?? row.email),
        rows.map((row, index) => sealed[index].phone ?? row.phone),
        rows.map((row, index) => JSON.stringify(sealed[index].attributes ?? row.attributes)),
      ],
    );
    const last = rows[rows.length - 1];
    return { rewritten, last: { tenantId: last.tenant_id, recipientId: last.recipient_id } };
  }

  private async subscriptionBatch(
    afterId: string,
  ): Promise<{ rewritten: number; removed: number; lastId: string } | undefined> {
    const rows: PlaintextSubscriptionRow[] = await this.dataSource.query(
      `SELECT id, tenant_id, recipient_id, endpoint, p256dh, auth FROM router.push_subscriptions
       WHERE endpoint_index IS NULL AND id > $1
       ORDER BY id
       LIMIT $2`,
      [afterId, PLAINTEXT_REWRITE_BATCH],
    );
    if (rows.length === 0) return undefined;
    const sealed = await this.encryption.sealSubscriptions(
      rows.map((row) => ({
        tenantId: row.tenant_id,
        recipientId: row.recipient_id,
        subscription: { endpoint: row.endpoint, p256dh: row.p256dh, auth: row.auth },
      })),
    );
    const ids = rows.map((row) => row.id);
    const indexes = sealed.map((subscription) => subscription.endpointIndex);
    // The endpoint was registered again since (encrypted, indexed): that newer row wins.
    const [{ removed }]: Array<{ removed: number }> = await this.dataSource.query(
      `WITH removed AS (
         DELETE FROM router.push_subscriptions s
         USING unnest($1::bigint[], $2::text[]) AS plaintext(id, endpoint_index)
         WHERE s.id = plaintext.id AND s.endpoint_index IS NULL AND EXISTS (
           SELECT 1 FROM router.push_subscriptions other
           WHERE other.tenant_id = s.tenant_id AND other.endpoint_index = plaintext.endpoint_index)
         RETURNING 1)
       SELECT count(*)::int AS removed FROM removed`,
      [ids, indexes],
    );
    const [{ rewritten }]: Array<{ rewritten: number }> = await this.dataSource.query(
      `WITH rewritten AS (
         UPDATE router.push_subscriptions s
         SET endpoint = sealed.endpoint, p256dh = sealed.p256dh, auth = sealed.auth,
             endpoint_index = sealed.endpoint_index
         FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
           AS sealed(id, read_endpoint, endpoint, p256dh, auth, endpoint_index)
         WHERE s.id = sealed.id AND s.endpoint_index IS NULL AND s.endpoint = sealed.read_endpoint
         RETURNING 1)
       SELECT count(*)::int AS rewritten FROM rewritten`,
      [
        ids,
        rows.map((row) => row.endpoint),
        sealed.map((subscription) => subscription.endpoint),
        sealed.map((subscription) => subscription.p256dh),
        sealed.map((subscription) => subscription.auth),
        indexes,
      ],
    );
    return { rewritten, removed, lastId: ids[ids.length - 1] };
  }
}
