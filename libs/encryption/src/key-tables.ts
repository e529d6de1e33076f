import type { SqlQuery } from '@switchboard/delivery';
import { z } from 'zod';
import { parseArgument } from './encryption-error';

// The same query function the shared rate limiter takes, so a service hands both the one it has.
export type { SqlQuery };

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
export function encryptionKeyTablesSql(schema = 'public'): string[] {
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

export function encryptionKeyTablesDropSql(schema = 'public'): string[] {
  return [
    `DROP TABLE IF EXISTS ${qualified(schema, DESTROYED_KEYS_TABLE)}`,
    `DROP TABLE IF EXISTS ${qualified(schema, DATA_KEYS_TABLE)}`,
  ];
}
