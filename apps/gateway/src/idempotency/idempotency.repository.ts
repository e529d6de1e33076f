import type { DataSource } from 'typeorm';
import type { IdempotencyEncryption } from './idempotency-encryption';
import {
  type IdempotencyClaim,
  type IdempotencyRecord,
  IdempotencyStore,
  type StoredResponse,
} from './idempotency-record';

interface IdempotencyRow {
  tenant_id: string;
  idempotency_key: string;
  request_hash: string;
  state: 'pending' | 'completed';
  response_status: number | null;
  response_body: unknown;
  created_at: Date;
  expires_at: Date;
}

/**
 * gateway.idempotency_records; the primary key (tenant_id, idempotency_key) makes claim() atomic.
 * Answers are stored encrypted with the tenant's data key (a jsonb string).
 */
export class IdempotencyRepository extends IdempotencyStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly encryption: Pick<IdempotencyEncryption, 'sealResponseBody' | 'openResponseBody'>,
  ) {
    super();
  }

  async claim(claim: IdempotencyClaim): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `INSERT INTO gateway.idempotency_records
         (tenant_id, idempotency_key, request_hash, state, created_at, expires_at)
       VALUES ($1, $2, $3, 'pending', $4, $5)
       ON CONFLICT (tenant_id, idempotency_key) DO NOTHING
       RETURNING tenant_id`,
      [claim.tenantId, claim.key, claim.requestHash, claim.createdAt, claim.expiresAt],
    );
    return rows.length === 1;
  }

  async find(tenantId: string, key: string): Promise<IdempotencyRecord | undefined> {
    const rows: IdempotencyRow[] = await this.dataSource.query(
      `SELECT tenant_id, idempotency_key, request_hash, state, response_status, response_body, created_at, expires_at
         FROM gateway.idempotency_records
        WHERE tenant_id = $1 AND idempotency_key = $2`,
      [tenantId, key],
    );
    const row = rows[0];
    if (!row) return undefined;
    return {
      tenantId: row.tenant_id,
      key: row.idempotency_key,
      requestHash: row.request_hash,
      state: row.state,
      ...(row.response_status === null
        ? {}
        : {
            response: {
              status: row.response_status,
              body: await this.encryption.openResponseBody(row.tenant_id, row.response_body),
            },
          }),
      createdAt: new Date(row.created_at),
      expiresAt: new Date(row.expires_at),
    };
  }

  async complete(tenantId: string, key: string, response: StoredResponse): Promise<void> {
    const sealed = await this.encryption.sealResponseBody(tenantId, response.body);
    await this.dataSource.query(
      `UPDATE gateway.idempotency_records
          SET state = 'completed', response_status = $3, response_body = $4::jsonb
        WHERE tenant_id = $1 AND idempotency_key = $2`,
      [tenantId, key, response.status, JSON.stringify(sealed)],
    );
  }

  async release(tenantId: string, key: string): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM gateway.idempotency_records
        WHERE tenant_id = $1 AND idempotency_key = $2 AND state = 'pending'`,
      [tenantId, key],
    );
  }

  async removeStale(tenantId: string, key: string, now: Date, abandonedBefore: Date): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM gateway.idempotency_records
        WHERE tenant_id = $1 AND idempotency_key = $2
          AND (expires_at <= $3 OR (state = 'pending' AND created_at <= $4))`,
      [tenantId, key, now, abandonedBefore],
    );
  }

  async purgeExpired(now: Date): Promise<number> {
    const rows: Array<{ purged: number }> = await this.dataSource.query(
      `WITH purged AS (DELETE FROM gateway.idempotency_records WHERE expires_at <= $1 RETURNING 1)
       SELECT count(*)::int AS purged FROM purged`,
      [now],
    );
    return rows[0]?.purged ?? 0;
  }
}
