import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { startEmbeddedPostgres } from '../../src/embedded-postgres';

/** A database that a test file owns from start to stop. */
export interface TestDatabaseServer {
  url: string;
  stop(): Promise<void>;
}

const DEFAULT_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * A new, uniquely named database on the PostgreSQL server of TEST_DATABASE_URL (default: local
 * PostgreSQL, user postgres), created from that URL's database and dropped by stop().
 */
export async function createPostgresDatabase(): Promise<TestDatabaseServer> {
  const serverUrl = process.env.TEST_DATABASE_URL ?? DEFAULT_POSTGRES_URL;
  const name = `persistence_test_${randomBytes(6).toString('hex')}`;
  await withClient(serverUrl, (client) => client.query(`CREATE DATABASE "${name}"`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    stop: () =>
      withClient(serverUrl, async (client) => {
        await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [
          name,
        ]);
        await client.query(`DROP DATABASE IF EXISTS "${name}"`);
      }),
  };
}

export async function startInMemoryEmbeddedPostgres(): Promise<TestDatabaseServer> {
  return startEmbeddedPostgres({ port: 0 });
}

async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  try {
    await client.connect();
  } catch (error) {
    const shown = new URL(url);
    if (shown.password) shown.password = '***';
    throw new Error(
      `cannot reach PostgreSQL at ${shown} (set TEST_DATABASE_URL): ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
