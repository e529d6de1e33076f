import { type DataSource, MigrationExecutor } from 'typeorm';
import { PersistenceError } from './persistence-error';
import { assertSchemaName, quoteIdentifier } from './sql-identifiers';

// First key of the two-key advisory lock: keeps our locks apart from any other application's.
const MIGRATION_LOCK_NAMESPACE = 0x53420001;

/**
 * Creates the schema if needed and applies the pending migrations, returning the names applied.
 *
 * Everything runs in one transaction holding a transaction-level advisory lock for the schema, so
 * replicas starting together apply each migration once and a failed migration leaves nothing behind.
 * The lock is taken in the same transaction (not with a session-level pg_advisory_lock) because PGlite's
 * connections share one session, where a session lock never blocks; there the open transaction itself
 * holds the other connections back.
 */
export async function migrate(dataSource: DataSource, schema: string): Promise<string[]> {
  assertSchemaName(schema);
  const dataSourceSchema = (dataSource.options as { schema?: string }).schema;
  if (dataSourceSchema !== schema) {
    throw new PersistenceError(
      'INVALID_DATABASE_OPTIONS',
      `schema: migrate() was given "${schema}" but the data source's schema is "${dataSourceSchema ?? '(none)'}"`,
    );
  }
  const queryRunner = dataSource.createQueryRunner();
  try {
    await queryRunner.connect();
    await queryRunner.startTransaction();
    await queryRunner.query('SELECT pg_advisory_xact_lock($1, $2)', [
      MIGRATION_LOCK_NAMESPACE,
      migrationLockKey(schema),
    ]);
    // Inside the lock: concurrent CREATE SCHEMA IF NOT EXISTS can still fail with a duplicate key on PostgreSQL.
    await queryRunner.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(schema)}`);
    const executor = new MigrationExecutor(dataSource, queryRunner);
    executor.transaction = 'all';
    const applied = await executor.executePendingMigrations();
    await queryRunner.commitTransaction();
    return applied.map((migration) => migration.name);
  } catch (error) {
    if (queryRunner.isTransactionActive) await queryRunner.rollbackTransaction().catch(() => undefined);
    throw new PersistenceError(
      'MIGRATION_FAILED',
      `migrations for schema "${schema}" failed and were rolled back: ${(error as Error).message}`,
      { cause: error },
    );
  } finally {
    await queryRunner.release();
  }
}

/** FNV-1a of the schema name as a signed 32-bit integer, the second key of the advisory lock. */
export function migrationLockKey(schema: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(schema, 'utf8')) {
    hash = Math.imul(hash ^ byte, 0x01000193);
  }
  return hash | 0;
}
