import { DataSource, type EntityManager } from 'typeorm';
import { PersistenceError } from './persistence-error';
import { quoteIdentifier, quoteTableName } from './sql-identifiers';

/** The wire protocol counts a statement's parameters in 16 bits. */
export const POSTGRES_MAX_PARAMETERS = 65_535;

export interface BulkInsertOptions {
  /** `true`: skip rows that hit any unique constraint; a column list: only conflicts on that unique key. */
  onConflictDoNothing?: boolean | string[];
  /** Columns to return for the rows actually inserted (skipped duplicates return nothing). */
  returning?: string[];
}

export interface BulkInsertStatement {
  sql: string;
  parameters: unknown[];
}

/**
 * Inserts the rows with one multi-row INSERT per chunk of at most 65,535 parameters; the columns are the
 * first row's keys. Several chunks run in one transaction (the caller's, or one of their own), so the rows
 * land all or none. Values go to pg as they are: JSON.stringify an array meant for a json column.
 * Returns the `returning` columns of the inserted rows, or [] without `returning`.
 */
export async function bulkInsert(
  executor: EntityManager | DataSource,
  table: string,
  rows: ReadonlyArray<Record<string, unknown>>,
  options: BulkInsertOptions = {},
): Promise<Record<string, unknown>[]> {
  const statements = buildBulkInsertStatements(table, rows, options);
  if (statements.length === 0) return [];
  const manager = executor instanceof DataSource ? executor.manager : executor;
  if (statements.length === 1 || manager.queryRunner?.isTransactionActive) {
    return runStatements(manager, statements);
  }
  return manager.transaction((transactionManager) => runStatements(transactionManager, statements));
}

export function buildBulkInsertStatements(
  table: string,
  rows: ReadonlyArray<Record<string, unknown>>,
  options: BulkInsertOptions = {},
  maxParameters = POSTGRES_MAX_PARAMETERS,
): BulkInsertStatement[] {
  if (rows.length === 0) return [];
  const columns = Object.keys(rows[0]);
  if (columns.length === 0) {
    throw new PersistenceError('INVALID_BULK_INSERT', `rows[0]: has no columns to insert into ${table}`);
  }
  if (columns.length > maxParameters) {
    throw new PersistenceError(
      'INVALID_BULK_INSERT',
      `rows[0]: ${columns.length} columns exceed the ${maxParameters}-parameter limit of one statement`,
    );
  }
  assertSameColumns(rows, columns);

  const head = `INSERT INTO ${quoteTableName(table)} (${columns.map(quoteIdentifier).join(', ')}) VALUES `;
  const tail = conflictClause(options.onConflictDoNothing) + returningClause(options.returning);
  const rowsPerStatement = Math.floor(maxParameters / columns.length);
  const statements: BulkInsertStatement[] = [];
  for (let start = 0; start < rows.length; start += rowsPerStatement) {
    const chunk = rows.slice(start, start + rowsPerStatement);
    const parameters: unknown[] = [];
    const tuples = chunk.map((row) => {
      const placeholders = columns.map((column) => {
        parameters.push(row[column]);
        return `$${parameters.length}`;
      });
      return `(${placeholders.join(', ')})`;
    });
    statements.push({ sql: head + tuples.join(', ') + tail, parameters });
  }
  return statements;
}

async function runStatements(
  manager: EntityManager,
  statements: BulkInsertStatement[],
): Promise<Record<string, unknown>[]> {
  const returned: Record<string, unknown>[] = [];
  for (const { sql, parameters } of statements) {
    const rows: Record<string, unknown>[] = await manager.query(sql, parameters);
    // Without RETURNING pg answers an empty row list; push in a loop, spreading 65k rows overflows the stack.
    for (const row of rows) returned.push(row);
  }
  return returned;
}

function assertSameColumns(rows: ReadonlyArray<Record<string, unknown>>, columns: string[]): void {
  const expected = new Set(columns);
  rows.forEach((row, index) => {
    const keys = Object.keys(row);
    const extra = keys.find((key) => !expected.has(key));
    if (extra !== undefined) {
      throw new PersistenceError(
        'INVALID_BULK_INSERT',
        `rows[${index}]: has column "${extra}" that rows[0] lacks`,
      );
    }
    if (keys.length !== columns.length) {
      const missing = columns.find((column) => !(column in row));
      throw new PersistenceError(
        'INVALID_BULK_INSERT',
        `rows[${index}]: lacks column "${missing}" that rows[0] has`,
      );
    }
  });
}

function conflictClause(onConflictDoNothing: BulkInsertOptions['onConflictDoNothing']): string {
  if (onConflictDoNothing === undefined || onConflictDoNothing === false) return '';
  if (onConflictDoNothing === true) return ' ON CONFLICT DO NOTHING';
  if (onConflictDoNothing.length === 0) {
    throw new PersistenceError(
      'INVALID_BULK_INSERT',
      'onConflictDoNothing: the conflict target names no column',
    );
  }
  return ` ON CONFLICT (${onConflictDoNothing.map(quoteIdentifier).join(', ')}) DO NOTHING`;
}

function returningClause(returning: string[] | undefined): string {
  if (returning === undefined || returning.length === 0) return '';
  return ` RETURNING ${returning.map(quoteIdentifier).join(', ')}`;
}
