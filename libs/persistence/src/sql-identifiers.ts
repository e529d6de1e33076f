import { PersistenceError } from './persistence-error';

// Schema names are written into SQL and migration table names, so keep them to plain lower-case identifiers.
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** `schema.table` or `table`, each part quoted; the name is split on its first dot. */
export function quoteTableName(table: string): string {
  const dot = table.indexOf('.');
  const parts = dot === -1 ? [table] : [table.slice(0, dot), table.slice(dot + 1)];
  if (parts.some((part) => part.length === 0)) {
    throw new PersistenceError(
      'INVALID_BULK_INSERT',
      `table: "${table}" is not a table name or schema.table`,
    );
  }
  return parts.map(quoteIdentifier).join('.');
}

export function assertSchemaName(schema: string): void {
  if (!SCHEMA_NAME.test(schema)) {
    throw new PersistenceError(
      'INVALID_DATABASE_OPTIONS',
      `schema: "${schema}" must be a lower-case identifier (letters, digits, underscores; at most 63 characters)`,
    );
  }
}
