import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { type ActiveApiKey, ApiKeyStore, type NewApiKey } from './api-key-store';

export class PostgresApiKeyStore extends ApiKeyStore {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  async findActive(keyHash: string): Promise<ActiveApiKey | undefined> {
    const rows: Array<{ id: string; tenant_id: string }> = await this.dataSource.query(
      `SELECT id, tenant_id FROM gateway.api_keys WHERE key_hash = $1 AND revoked_at IS NULL`,
      [keyHash],
    );
    return rows[0] && { id: rows[0].id, tenantId: rows[0].tenant_id };
  }

  async ensure(key: NewApiKey): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO gateway.api_keys (id, tenant_id, name, key_hash, created_at)
       VALUES ($1, $2, $3, $4, now())
       ON CONFLICT (key_hash) DO UPDATE SET tenant_id = EXCLUDED.tenant_id, revoked_at = NULL`,
      [randomUUID(), key.tenantId, key.name, key.keyHash],
    );
  }
}
