import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

export const DEFAULT_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  /** Connection string for the new database (same server and credentials as the admin URL). */
  url: string;
  name: string;
  /** Ends every session still connected to the database, then drops it. */
  drop(): Promise<void>;
}

/**
 * Creates an empty database named `<prefix>_<random>` on the server of TEST_DATABASE_ADMIN_URL
 * (default: local PostgreSQL as user postgres), so each test file owns its own database.
 */
export async function createTestDatabase(prefix = 'sb_test'): Promise<TestDatabase> {
  const adminUrl = process.env.TEST_DATABASE_ADMIN_URL ?? DEFAULT_ADMIN_URL;
  const name = testDatabaseName(prefix);
  await withAdminClient(adminUrl, (client) => client.query(`CREATE DATABASE ${quoteIdentifier(name)}`));
  let dropped = false;
  return {
    name,
    url: databaseUrl(adminUrl, name),
    drop: async () => {
      if (dropped) return;
      dropped = true;
      await withAdminClient(adminUrl, async (client) => {
        await client.query(
          'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
          [name],
        );
        await client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)}`);
      });
    },
  };
}

/** `<prefix>_<12 hex digits>`, lower case, within PostgreSQL's 63-byte identifier limit. */
export function testDatabaseName(prefix: string): string {
  const cleaned = prefix.toLowerCase().replace(/[^a-z0-9_]+/g, '_');
  if (!/^[a-z_]/.test(cleaned)) {
    throw new Error(`test database prefix must start with a letter or underscore, got "${prefix}"`);
  }
  return `${cleaned.slice(0, 50)}_${randomBytes(6).toString('hex')}`;
}

/** The admin URL with its database path replaced, keeping credentials and query parameters. */
export function databaseUrl(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}

async function withAdminClient<T>(adminUrl: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: adminUrl });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `cannot connect to the test database server at ${redactPassword(adminUrl)} ` +
        `(set TEST_DATABASE_ADMIN_URL to a PostgreSQL admin URL): ${(error as Error).message}`,
    );
  }
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function redactPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable TEST_DATABASE_ADMIN_URL)';
  }
}
