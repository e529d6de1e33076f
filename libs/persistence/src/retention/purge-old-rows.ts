import { PersistenceError } from '../persistence-error';
import { quoteIdentifier } from '../sql-identifiers';
import type { RetentionCutoffs } from './retention-policy';

/** Runs one SQL statement with positional parameters and resolves with its rows. */
export type RetentionQuery = (sql: string, params: unknown[]) => Promise<Array<Record<string, unknown>>>;

/** A table whose rows expire: by its tenant column and the time column that ages them. */
export interface RetainedTable {
  /** `schema.table`. */
  table: string;
  tenantColumn: string;
  timeColumn: string;
  /** Extra condition a purged row must meet (e.g. a schedule already released), plain SQL. */
  onlyWhere?: string;
}

// Small enough that each DELETE holds its row locks for milliseconds, never blocking the hot path.
export const RETENTION_BATCH_SIZE = 1000;

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/**
 * Deletes every row older than its tenant's cutoff, in batches of `batchSize` (one short DELETE
 * each, by ctid, so no statement scans or locks the whole table). Returns how many rows went.
 */
export async function purgeOldRows(
  query: RetentionQuery,
  table: RetainedTable,
  cutoffs: RetentionCutoffs,
  batchSize = RETENTION_BATCH_SIZE,
): Promise<number> {
  const [schema, name] = table.table.split('.');
  for (const part of [schema, name, table.tenantColumn, table.timeColumn]) {
    if (!part || !IDENTIFIER.test(part)) {
      throw new PersistenceError(
        'INVALID_DATABASE_OPTIONS',
        `retained table: "${part}" is not a plain identifier`,
      );
    }
  }
  const qualified = `${quoteIdentifier(schema)}.${quoteIdentifier(name)}`;
  const tenant = quoteIdentifier(table.tenantColumn);
  const time = quoteIdentifier(table.timeColumn);
  const extra = table.onlyWhere ? ` AND (${table.onlyWhere})` : '';
  const ownTenants = cutoffs.tenants.map((entry) => entry.tenantId);
  let purged = 0;
  for (const { where, params } of [
    ...cutoffs.tenants.map(({ tenantId, cutoff }) => ({
      where: `${tenant} = $1 AND ${time} < $2`,
      params: [tenantId, cutoff] as unknown[],
    })),
    {
      where: `coalesce(${tenant}, '') <> ALL($1::text[]) AND ${time} < $2`,
      params: [ownTenants, cutoffs.otherTenants],
    },
  ]) {
    for (;;) {
      // A CTE so that the count comes back as a row whatever the driver does with a bare DELETE.
      const rows = await query(
        `WITH doomed AS (
           SELECT ctid FROM ${qualified} WHERE ${where}${extra} LIMIT ${batchSize}
         ), purged AS (
           DELETE FROM ${qualified} WHERE ctid IN (SELECT ctid FROM doomed) RETURNING 1
         )
         SELECT count(*)::int AS purged FROM purged`,
        params,
      );
      const count = Number(rows[0]?.purged ?? 0);
      purged += count;
      if (count < batchSize) break;
    }
  }
  return purged;
}
