import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { ChannelName } from '@switchboard/contracts';
import { ENCRYPTION, type Encryption } from '@switchboard/encryption';
import { DataSource } from 'typeorm';
import { suppressedAddressIndex } from '../privacy/address-index';
import { SUPPRESSION_ADDRESS_FIELD } from './suppression.repository';

/** Rows rewritten per statement: short enough that a lookup waiting on one of them barely notices. */
export const SUPPRESSION_REWRITE_BATCH = 500;

interface PlaintextSuppressionRow {
  id: string;
  tenant_id: string;
  channel: ChannelName;
  address: string;
}

export interface SuppressionRewriteReport {
  rewritten: number;
  /** Plaintext rows dropped because the same address and category had been suppressed again, encrypted, meanwhile. */
  duplicatesRemoved: number;
}

/**
 * Encrypts the suppressions written before encryption at rest came, and gives them their blind
 * index, in batches at every start (in the background: lookups find plaintext rows by address
 * meanwhile). A start with nothing to do costs one query. A row a replica of the previous version
 * writes during a rolling update is rewritten at the next start.
 */
@Injectable()
export class EncryptPlaintextSuppressions implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(EncryptPlaintextSuppressions.name);
  private readonly stopping = new AbortController();
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(ENCRYPTION) private readonly encryption: Pick<Encryption, 'encryptor' | 'blindIndex'>,
  ) {}

  onApplicationBootstrap(): void {
    this.running = this.execute(this.stopping.signal)
      .then((report) => {
        if (report.rewritten + report.duplicatesRemoved > 0) {
          this.logger.log(
            `encrypted ${report.rewritten} suppressions written in plaintext (${report.duplicatesRemoved} duplicates removed)`,
          );
        }
      })
      .catch((error: unknown) => {
        if (this.stopping.signal.aborted) return;
        // Lookups keep finding plaintext rows, so this is not fatal; the next start tries again.
        this.logger.error(
          `encrypting plaintext suppressions stopped: ${error instanceof Error ? error.message : String(error)}`,
        );
      });
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    await this.running;
  }

  /** Rewrites every plaintext row there is; what it did. */
  async execute(signal?: AbortSignal): Promise<SuppressionRewriteReport> {
    const report: SuppressionRewriteReport = { rewritten: 0, duplicatesRemoved: 0 };
    // Keyset order, so that each row is visited once per run whatever happens to it meanwhile.
    let afterId = '0';
    for (;;) {
      signal?.throwIfAborted();
      const batch = await this.batch(afterId);
      if (batch === undefined) break;
      report.rewritten += batch.rewritten;
      report.duplicatesRemoved += batch.removed;
      afterId = batch.lastId;
    }
    return report;
  }

  /*
   * No transaction holds rows while addresses are sealed (sealing may create the tenant's key on
   * another connection, which the embedded database would make wait). Each statement changes only
   * rows still unindexed and holding the plaintext read, so replicas doing this at once apply each
   * row once.
   */
  private async batch(
    afterId: string,
  ): Promise<{ rewritten: number; removed: number; lastId: string } | undefined> {
    const rows: PlaintextSuppressionRow[] = await this.dataSource.query(
      `SELECT id, tenant_id, channel, address FROM router.suppressions
       WHERE address_index IS NULL AND id > $1
       ORDER BY id
       LIMIT $2`,
      [afterId, SUPPRESSION_REWRITE_BATCH],
    );
    if (rows.length === 0) return undefined;
    const ids = rows.map((row) => row.id);
    const indexes = rows.map((row) =>
      suppressedAddressIndex(this.encryption.blindIndex, {
        tenantId: row.tenant_id,
        channel: row.channel,
        address: row.address,
      }),
    );
    const sealed = await this.encryption.encryptor.encryptMany(
      rows.map((row) => ({
        value: row.address,
        context: { tenantId: row.tenant_id, field: SUPPRESSION_ADDRESS_FIELD },
      })),
    );
    // The address was suppressed again since (encrypted, indexed) for the same category: that row
    // stays, as the unique index would refuse the second; so does a plaintext twin earlier in the
    // batch (two spellings of one number).
    const [{ removed }]: Array<{ removed: number }> = await this.dataSource.query(
      `WITH removed AS (
         DELETE FROM router.suppressions s
         USING unnest($1::bigint[], $2::text[]) AS plaintext(id, address_index)
         WHERE s.id = plaintext.id AND s.address_index IS NULL AND EXISTS (
           SELECT 1 FROM router.suppressions other
           WHERE other.tenant_id = s.tenant_id AND other.channel = s.channel
             AND coalesce(other.category, '') = coalesce(s.category, '')
             AND (other.address_index = plaintext.address_index
               OR (other.id < s.id AND other.id = ANY($1::bigint[]) AND other.address_index IS NULL
                   AND (plaintext.address_index = ($2::text[])[array_position($1::bigint[], other.id)]))))
         RETURNING 1)
       SELECT count(*)::int AS removed FROM removed`,
      [ids, indexes],
    );
    const [{ rewritten }]: Array<{ rewritten: number }> = await this.dataSource.query(
      `WITH rewritten AS (
         UPDATE router.suppressions s
         SET address = sealed.address, address_index = sealed.address_index
         FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[]) AS sealed(id, read_address, address, address_index)
         WHERE s.id = sealed.id AND s.address_index IS NULL AND s.address = sealed.read_address
         RETURNING 1)
       SELECT count(*)::int AS rewritten FROM rewritten`,
      [ids, rows.map((row) => row.address), sealed, indexes],
    );
    return { rewritten, removed, lastId: ids[ids.length - 1] };
  }
}
