import { Injectable } from '@nestjs/common';
import type { ChannelName, SuppressionSourceName } from '@switchboard/contracts';
import { DataSource } from 'typeorm';
import {
  type NewSuppression,
  type Suppression,
  type SuppressionListQuery,
  type SuppressionLookup,
  type SuppressionRemoval,
  SuppressionStore,
  type SuppressionToAdd,
} from './suppression';

interface SuppressionRow {
  id: string;
  tenant_id: string;
  channel: ChannelName;
  address: string;
  reason: string;
  category: string | null;
  source: SuppressionSourceName;
  created_at: Date;
}

const COLUMNS = 'id, tenant_id, channel, address, reason, category, source, created_at';
// Must name the unique index's expressions exactly for ON CONFLICT to find it.
const UNIQUE_ADDRESS = `(tenant_id, channel, lower(address), coalesce(category, ''))`;

@Injectable()
export class PgSuppressionStore extends SuppressionStore {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  async add(
    tenantId: string,
    request: SuppressionToAdd,
  ): Promise<{ suppression: Suppression; created: boolean }> {
    const category = request.category ?? null;
    const created: SuppressionRow[] = await this.dataSource.query(
      `INSERT INTO router.suppressions (tenant_id, channel, address, reason, category, source)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT ${UNIQUE_ADDRESS} DO NOTHING
       RETURNING ${COLUMNS}`,
      [tenantId, request.channel, request.address, request.reason, category, request.source ?? 'api'],
    );
    if (created.length > 0) return { suppression: fromRow(created[0]), created: true };
    const existing: SuppressionRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM router.suppressions
       WHERE tenant_id = $1 AND channel = $2 AND lower(address) = lower($3)
         AND coalesce(category, '') = coalesce($4, '')`,
      [tenantId, request.channel, request.address, category],
    );
    if (existing.length === 0)
      throw new Error('the suppression was neither inserted nor found; was it deleted meanwhile?');
    return { suppression: fromRow(existing[0]), created: false };
  }

  async addMany(suppressions: readonly NewSuppression[]): Promise<number> {
    if (suppressions.length === 0) return 0;
    const created: Array<{ id: string }> = await this.dataSource.query(
      `INSERT INTO router.suppressions (tenant_id, channel, address, reason, category, source)
       SELECT wanted.tenant_id, wanted.channel, wanted.address, wanted.reason, wanted.category, wanted.source
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
         AS wanted(tenant_id, channel, address, reason, category, source)
       ON CONFLICT ${UNIQUE_ADDRESS} DO NOTHING
       RETURNING id`,
      [
        suppressions.map((suppression) => suppression.tenantId),
        suppressions.map((suppression) => suppression.channel),
        suppressions.map((suppression) => suppression.address),
        suppressions.map((suppression) => suppression.reason),
        suppressions.map((suppression) => suppression.category ?? null),
        suppressions.map((suppression) => suppression.source ?? 'api'),
      ],
    );
    return created.length;
  }

  async findFor(lookups: SuppressionLookup[]): Promise<Suppression[]> {
    if (lookups.length === 0) return [];
    const rows: SuppressionRow[] = await this.dataSource.query(
      `SELECT DISTINCT s.id, s.tenant_id, s.channel, s.address, s.reason, s.category, s.source, s.created_at
       FROM router.suppressions s
       JOIN unnest($1::text[], $2::text[], $3::text[]) AS wanted(tenant_id, channel, address)
         ON s.tenant_id = wanted.tenant_id AND s.channel = wanted.channel AND lower(s.address) = lower(wanted.address)`,
      [
        lookups.map((lookup) => lookup.tenantId),
        lookups.map((lookup) => lookup.channel),
        lookups.map((lookup) => lookup.address),
      ],
    );
    return rows.map(fromRow);
  }

  async list(query: SuppressionListQuery): Promise<Suppression[]> {
    const rows: SuppressionRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM router.suppressions
       WHERE tenant_id = $1
         AND ($2::text IS NULL OR channel = $2)
         AND ($3::text IS NULL OR lower(address) = lower($3))
         AND ($4::bigint IS NULL OR id < $4)
       ORDER BY id DESC
       LIMIT $5`,
      [query.tenantId, query.channel ?? null, query.address ?? null, query.beforeId ?? null, query.limit],
    );
    return rows.map(fromRow);
  }

  async remove(removal: SuppressionRemoval): Promise<boolean> {
    // Selected from a CTE: TypeORM answers a bare DELETE with [rows, count] instead of the rows.
    const rows: Array<{ removed: number }> = await this.dataSource.query(
      `WITH removed AS (
         DELETE FROM router.suppressions
         WHERE tenant_id = $1 AND channel = $2 AND lower(address) = lower($3)
           AND coalesce(category, '') = coalesce($4, '')
           AND ($5::text IS NULL OR source = $5)
         RETURNING 1)
       SELECT count(*)::int AS removed FROM removed`,
      [removal.tenantId, removal.channel, removal.address, removal.category ?? null, removal.source ?? null],
    );
    return (rows[0]?.removed ?? 0) > 0;
  }
}

function fromRow(row: SuppressionRow): Suppression {
  return {
    id: String(row.id),
    tenantId: row.tenant_id,
    channel: row.channel,
    address: row.address,
    reason: row.reason,
    ...(row.category === null ? {} : { category: row.category }),
    source: row.source,
    createdAt: row.created_at,
  };
}
