import { DataSource } from 'typeorm';
import type { PostgresDataSourceOptions } from 'typeorm/driver/postgres/PostgresDataSourceOptions';
import { PersistenceError } from './persistence-error';
import { assertSchemaName } from './sql-identifiers';
import { NestTypeOrmLogger } from './typeorm-logger';

/** A class: TypeORM takes entities and migrations by their classes. */
export type ClassConstructor = new (...args: never[]) => unknown;

export interface DatabaseOptions {
  /** postgres://user:password@host:port/database */
  url: string;
  /** The one PostgreSQL schema the service owns: its tables and its migration history live there. */
  schema: string;
  entities: ClassConstructor[];
  /** Classes named `<Name><13-digit timestamp>` from files `<timestamp>-<kebab-name>.ts`, with up and down. */
  migrations: ClassConstructor[];
  /** Connections in the pool (default 10). */
  poolSize?: number;
  logQueries?: boolean;
}

export const DEFAULT_POOL_SIZE = 10;
/** Each schema keeps its own history, so services migrate independently. */
export const MIGRATIONS_TABLE_NAME = 'migrations';
// Bounds a connect to an unreachable host, and the wait for a pooled connection under load.
const CONNECT_TIMEOUT_MS = 10_000;
// A query on a connection that went silent (a network partition, not a refusal) fails after this
// rather than holding its caller for ever; keepalive finds dead idle connections in the pool.
const QUERY_TIMEOUT_MS = 30_000;
const KEEPALIVE_INITIAL_DELAY_MS = 10_000;

/** A TypeORM data source for one service's schema; call initialize() and then migrate(). */
export function createDataSource(options: DatabaseOptions): DataSource {
  return new DataSource(dataSourceOptions(options));
}

export function dataSourceOptions(options: DatabaseOptions): PostgresDataSourceOptions {
  assertDatabaseOptions(options);
  return {
    type: 'postgres',
    url: options.url,
    // Entities without their own schema land here, and every query names it: PGlite's connections share one
    // session, so a per-connection `SET search_path` would leak into every other service.
    schema: options.schema,
    entities: options.entities,
    migrations: options.migrations,
    migrationsTableName: MIGRATIONS_TABLE_NAME,
    migrationsRun: false,
    synchronize: false,
    // gen_random_uuid() is built into PostgreSQL 13+ (and PGlite); uuid-ossp is not loaded in PGlite.
    uuidExtension: 'pgcrypto',
    // Extensions belong in migrations, not in a start-up side effect that needs superuser rights.
    installExtensions: false,
    poolSize: options.poolSize ?? DEFAULT_POOL_SIZE,
    connectTimeoutMS: CONNECT_TIMEOUT_MS,
    extra: {
      query_timeout: QUERY_TIMEOUT_MS,
      keepAlive: true,
      keepAliveInitialDelayMillis: KEEPALIVE_INITIAL_DELAY_MS,
    },
    applicationName: `switchboard-${options.schema}`,
    logger: new NestTypeOrmLogger(options.logQueries ?? false),
  };
}

function assertDatabaseOptions(options: DatabaseOptions): void {
  const problems: string[] = [];
  try {
    const { protocol } = new URL(options.url);
    if (protocol !== 'postgres:' && protocol !== 'postgresql:') {
      problems.push(`url: must start with postgres:// or postgresql://, got ${protocol}//`);
    }
  } catch {
    problems.push('url: is not a URL');
  }
  try {
    assertSchemaName(options.schema);
  } catch (error) {
    problems.push((error as Error).message);
  }
  if (options.poolSize !== undefined && !(Number.isInteger(options.poolSize) && options.poolSize > 0)) {
    problems.push(`poolSize: must be a positive integer, got ${options.poolSize}`);
  }
  if (problems.length > 0) {
    throw new PersistenceError(
      'INVALID_DATABASE_OPTIONS',
      `invalid database options: ${problems.join('; ')}`,
    );
  }
}
