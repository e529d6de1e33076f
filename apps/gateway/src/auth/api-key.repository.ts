import type { DataSource, EntityManager } from 'typeorm';
import {
  type ActiveApiKey,
  type ApiKeyRecord,
  ApiKeyStore,
  type DevelopmentKeyState,
  type NewApiKey,
} from './api-key-store';
import type { Permission, Role } from './permissions';

interface ApiKeyRow {
  id: string;
  tenant_id: string;
  name: string;
  prefix: string | null;
  role: Role | null;
  scopes: Permission[] | null;
  created_at: Date;
  expires_at: Date | null;
  last_used_at: Date | null;
  revoked_at: Date | null;
  rotated_to: string | null;
}

const COLUMNS = `id, tenant_id, name, prefix, role, scopes, created_at, expires_at, last_used_at, revoked_at, rotated_to`;

export class ApiKeyRepository extends ApiKeyStore {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  async findActive(keyHash: string): Promise<ActiveApiKey | undefined> {
    const rows: ApiKeyRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM gateway.api_keys
       WHERE key_hash = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())`,
      [keyHash],
    );
    const row = rows[0];
    return (
      row && {
        id: row.id,
        tenantId: row.tenant_id,
        role: row.role,
        scopes: row.scopes,
        expiresAt: row.expires_at,
      }
    );
  }

  async hashesCreatedSince(since: Date | undefined): Promise<{ hashes: string[]; readAt: Date }> {
    const rows: Array<{ key_hash: string; read_at: Date }> = await this.dataSource.query(
      `SELECT key_hash, statement_timestamp() AS read_at FROM gateway.api_keys
       WHERE $1::timestamptz IS NULL OR created_at >= $1::timestamptz`,
      [since ?? null],
    );
    const readAt = rows[0]?.read_at ?? (await this.databaseNow());
    return { hashes: rows.map((row) => row.key_hash.trim()), readAt };
  }

  async create(key: NewApiKey): Promise<ApiKeyRecord> {
    return this.insert(this.dataSource.manager, key);
  }

  async ensureDevelopmentKey(key: NewApiKey): Promise<DevelopmentKeyState> {
    const inserted: ApiKeyRow[] = await this.dataSource.query(
      `INSERT INTO gateway.api_keys (id, tenant_id, name, key_hash, prefix, role, scopes, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, now())
       ON CONFLICT (key_hash) DO NOTHING
       RETURNING id`,
      [key.id, key.tenantId, key.name, key.keyHash, key.prefix, key.role, key.scopes],
    );
    if (inserted.length > 0) return 'created';
    const rows: Array<{
      tenant_id: string;
      revoked_at: Date | null;
      expires_at: Date | null;
      expired: boolean;
    }> = await this.dataSource.query(
      `SELECT tenant_id, revoked_at, expires_at, expires_at <= now() AS expired
         FROM gateway.api_keys WHERE key_hash = $1`,
      [key.keyHash],
    );
    const existing = rows[0];
    if (existing === undefined) return this.ensureDevelopmentKey(key);
    if (existing.tenant_id !== key.tenantId) return 'other-tenant';
    return existing.revoked_at !== null || existing.expired ? 'revoked' : 'active';
  }

  async list(tenantId: string): Promise<ApiKeyRecord[]> {
    const rows: ApiKeyRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM gateway.api_keys WHERE tenant_id = $1 ORDER BY created_at, id`,
      [tenantId],
    );
    return rows.map(toRecord);
  }

  async find(tenantId: string, id: string): Promise<ApiKeyRecord | undefined> {
    const rows: ApiKeyRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM gateway.api_keys WHERE tenant_id = $1 AND id = $2`,
      [tenantId, id],
    );
    return rows[0] && toRecord(rows[0]);
  }

  async revoke(tenantId: string, id: string): Promise<ApiKeyRecord | undefined> {
    // TypeORM answers an UPDATE with [rows, affected count].
    const [rows]: [ApiKeyRow[], number] = await this.dataSource.query(
      `UPDATE gateway.api_keys SET revoked_at = COALESCE(revoked_at, now())
       WHERE tenant_id = $1 AND id = $2
       RETURNING ${COLUMNS}`,
      [tenantId, id],
    );
    return rows[0] && toRecord(rows[0]);
  }

  async rotate(
    tenantId: string,
    id: string,
    replacement: NewApiKey,
    oldKeyExpiresAt: Date,
  ): Promise<{ old: ApiKeyRecord; replacement: ApiKeyRecord } | undefined> {
    return this.dataSource.transaction(async (manager) => {
      // The row lock makes two rotations of one key queue: the second finds it already rotated.
      const rows: ApiKeyRow[] = await manager.query(
        `SELECT ${COLUMNS} FROM gateway.api_keys
         WHERE tenant_id = $1 AND id = $2 AND revoked_at IS NULL AND rotated_to IS NULL
           AND (expires_at IS NULL OR expires_at > now())
         FOR UPDATE`,
        [tenantId, id],
      );
      if (rows.length === 0) return undefined;
      const created = await this.insert(manager, replacement);
      const [updated]: [ApiKeyRow[], number] = await manager.query(
        `UPDATE gateway.api_keys
         SET rotated_to = $3, expires_at = LEAST(COALESCE(expires_at, $4::timestamptz), $4::timestamptz)
         WHERE tenant_id = $1 AND id = $2
         RETURNING ${COLUMNS}`,
        [tenantId, id, created.id, oldKeyExpiresAt],
      );
      return { old: toRecord(updated[0]), replacement: created };
    });
  }

  async recordUse(uses: ReadonlyMap<string, Date>): Promise<void> {
    if (uses.size === 0) return;
    await this.dataSource.query(
      `UPDATE gateway.api_keys AS key SET last_used_at = GREATEST(key.last_used_at, used.at)
       FROM unnest($1::uuid[], $2::timestamptz[]) AS used(id, at)
       WHERE key.id = used.id`,
      [[...uses.keys()], [...uses.values()]],
    );
  }

  private async insert(manager: EntityManager, key: NewApiKey): Promise<ApiKeyRecord> {
    const rows: ApiKeyRow[] = await manager.query(
      `INSERT INTO gateway.api_keys
         (id, tenant_id, name, key_hash, prefix, role, scopes, expires_at, created_by, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, now())
       RETURNING ${COLUMNS}`,
      [
        key.id,
        key.tenantId,
        key.name,
        key.keyHash,
        key.prefix,
        key.role,
        key.scopes,
        key.expiresAt,
        key.createdBy,
      ],
    );
    return toRecord(rows[0]);
  }

  private async databaseNow(): Promise<Date> {
    const rows: Array<{ now: Date }> = await this.dataSource.query(`SELECT statement_timestamp() AS now`);
    return rows[0].now;
  }
}

function toRecord(row: ApiKeyRow): ApiKeyRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    name: row.name,
    prefix: row.prefix,
    role: row.role,
    scopes: row.scopes,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
    rotatedTo: row.rotated_to,
  };
}
