import { Client } from 'pg';
import { createTestDatabase, waitFor } from '../src';

const ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function databaseExists(name: string): Promise<boolean> {
  const admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    const result = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    return result.rowCount === 1;
  } finally {
    await admin.end();
  }
}

describe('createTestDatabase', () => {
  it('creates an empty database of its own that a client can use, and drop() removes it', async () => {
    const database = await createTestDatabase('Router Tests');
    const client = new Client({ connectionString: database.url });
    await client.connect();

    await client.query('CREATE TABLE deliveries (id int PRIMARY KEY)');
    await client.query('INSERT INTO deliveries VALUES (1), (2)');
    const { rows } = await client.query(
      'SELECT current_database() AS name, count(*)::int AS count FROM deliveries',
    );
    expect(rows).toEqual([{ name: database.name, count: 2 }]);
    expect(database.name).toMatch(/^router_tests_[0-9a-f]{12}$/);

    const clientErrors: Error[] = [];
    client.on('error', (error) => clientErrors.push(error));
    await database.drop();

    expect(await databaseExists(database.name)).toBe(false);
    // The open session was ended rather than blocking the drop.
    await waitFor('the open session to be told it was terminated', () => clientErrors.length > 0);
    expect(clientErrors[0].message).toMatch(/terminating connection due to administrator command/);
    await client.end().catch(() => undefined);
  });

  it('gives every call a different database', async () => {
    const [first, second] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    try {
      expect(first.name).not.toBe(second.name);
      expect(await databaseExists(first.name)).toBe(true);
      expect(await databaseExists(second.name)).toBe(true);
    } finally {
      await Promise.all([first.drop(), second.drop()]);
    }
  });
});
