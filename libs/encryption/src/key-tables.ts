import type { SqlQuery } from '@switchboard/delivery';
import { z } from 'zod';
import { parseArgument } from './encryption-error';

// The same query function the shared rate limiter takes, so a service hands both the one it has.
export type { SqlQuery };

/**
 * Where the key tables live unless configured otherwise (`ENCRYPTION_SCHEMA`): one schema for the
 * whole platform, not one per service, because a value one service encrypts (a Kafka payload) must
 * open in the next, and erasing a person must destroy their one key everywhere at once.
 */
export const DEFAULT_ENCRYPTION_SCHEMA = 'encryption';

export const DATA_KEYS_TABLE = 'encryption_data_keys';
export const DESTROYED_KEYS_TABLE = 'encryption_destroyed_keys';

export const schemaNameSchema = z
  .string()
  .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lower-case SQL identifier (letters, digits, underscores)');

export function qualified(schema: string, table: string): string {
  parseArgument(schemaNameSchema, schema, 'schema name');
  return `"${schema}"."${table}"`;
}

/**
 * The key tables of one service's schema, for its migrations (one statement per entry). A data
 * key row holds only the wrapped key: without a configured master key it decrypts nothing. The
 * recipient is named by a blind index, never by their id, so the table holds no personal data;
 * '' names the tenant's own key. A destroyed key leaves only its id and when, so that reading a
 * value it encrypted says "destroyed" rather than "unknown".
 */
export function encryptionKeyTablesSql(schema = DEFAULT_ENCRYPTION_SCHEMA): string[] {
  const keys = qualified(schema, DATA_KEYS_TABLE);
  const destroyed = qualified(schema, DESTROYED_KEYS_TABLE);
  return [
    `CREATE TABLE IF NOT EXISTS ${keys} (
  key_id text PRIMARY KEY,
  tenant_id text NOT NULL,
  recipient_index text NOT NULL,
  master_key_id text NOT NULL,
  wrapped_key bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  rewrapped_at timestamptz,
  CONSTRAINT ${DATA_KEYS_TABLE}_owner_key UNIQUE (tenant_id, recipient_index)
)`,
    `CREATE INDEX IF NOT EXISTS ${DATA_KEYS_TABLE}_master_key_idx ON ${keys} (master_key_id, key_id)`,
    `CREATE TABLE IF NOT EXISTS ${destroyed} (
  key_id text PRIMARY KEY,
  tenant_id text NOT NULL,
  destroyed_at timestamptz NOT NULL DEFAULT now()
)`,
  ];
}

// First key of the advisory lock (the second is the schema's hash), apart from the migration locks.
const KEY_TABLES_LOCK_NAMESPACE = 0x53420002;

/**
 * Creates the shared schema and its key tables when missing. Every service calls it at start-up:
 * the tables belong to no one service's migration history, and services start (and migrate)
 * concurrently, when two CREATE ... IF NOT EXISTS racing can still fail on PostgreSQL's catalog.
 * So everything runs as one DO block, one statement and one transaction, holding a
 * transaction-level advisory lock: it works with any query function, a pool's included.
 */
export async function ensureEncryptionKeyTables(
  query: SqlQuery,
  schema = DEFAULT_ENCRYPTION_SCHEMA,
): Promise<void> {
  parseArgument(schemaNameSchema, schema, 'schema name');
  const statements = [`CREATE SCHEMA IF NOT EXISTS "${schema}"`, ...encryptionKeyTablesSql(schema)];
  await query(
    `DO $ensure$ BEGIN
PERFORM pg_advisory_xact_lock(${KEY_TABLES_LOCK_NAMESPACE}, ${schemaLockKey(schema)});
${statements.map((statement) => `EXECUTE ${quoteLiteral(statement)};`).join('\n')}
END $ensure$`,
    [],
  );
}

/** FNV-1a of the schema name as a signed 32-bit integer. */
function schemaLockKey(schema: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(schema, 'utf8')) hash = Math.imul(hash ^ byte, 0x01000193);
  return hash | 0;
}

// Only our own fixed statements, around an identifier checked against schemaNameSchema, pass here.
function quoteLiteral(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

export function encryptionKeyTablesDropSql(schema = DEFAULT_ENCRYPTION_SCHEMA): string[] {
  return [
    `DROP TABLE IF EXISTS ${qualified(schema, DESTROYED_KEYS_TABLE)}`,
    `DROP TABLE IF EXISTS ${qualified(schema, DATA_KEYS_TABLE)}`,
  ];
}
