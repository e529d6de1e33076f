import { Client } from 'pg';
import { purgeOldRows } from '../src/retention/purge-old-rows';
import { RetentionPolicy } from '../src/retention/retention-policy';
import { createPostgresDatabase, type TestDatabaseServer } from './support/database-servers';

const DAY = 86_400_000;
const now = new Date('2026-12-07T12:00:00Z');
const daysAgo = (days: number) => new Date(now.getTime() - days * DAY);

describe('purgeOldRows on PostgreSQL', () => {
  let server: TestDatabaseServer;
  let client: Client;
  const statements: string[] = [];
  const query = async (sql: string, params: unknown[]) => {
    statements.push(sql);
    return (await client.query(sql, params)).rows as Array<Record<string, unknown>>;
  };

  beforeAll(async () => {
    server = await createPostgresDatabase();
    client = new Client({ connectionString: server.url });
    await client.connect();
    await client.query(`CREATE SCHEMA history`);
    await client.query(
      `CREATE TABLE history.events (id serial PRIMARY KEY, tenant_id text, at timestamptz NOT NULL, done boolean NOT NULL)`,
    );
  });

  afterAll(async () => {
    await client?.end();
    await server?.stop();
  });

  beforeEach(async () => {
    statements.length = 0;
    await client.query(`TRUNCATE history.events`);
  });

  async function insert(tenantId: string | null, at: Date, count = 1, done = true) {
    await client.query(
      `INSERT INTO history.events (tenant_id, at, done) SELECT $1, $2, $3 FROM generate_series(1, $4)`,
      [tenantId, at, done, count],
    );
  }

  async function remaining(): Promise<Array<{ tenant_id: string | null; days: number; count: number }>> {
    const { rows } = await client.query(
      `SELECT tenant_id, round(extract(epoch FROM ($1::timestamptz - at)) / 86400)::int AS days, count(*)::int AS count
       FROM history.events GROUP BY 1, 2 ORDER BY 1 NULLS FIRST, 2`,
      [now],
    );
    return rows;
  }

  it("deletes each tenant's rows past its own period and other tenants' past the default, rows without a tenant too", async () => {
    await insert('acme', daysAgo(2));
    await insert('acme', daysAgo(40));
    await insert('beta', daysAgo(40));
    await insert('beta', daysAgo(100));
    await insert(null, daysAgo(100));
    const policy = new RetentionPolicy(90 * DAY, new Map([['acme', 30 * DAY]]));

    const purged = await purgeOldRows(
      query,
      { table: 'history.events', tenantColumn: 'tenant_id', timeColumn: 'at' },
      policy.cutoffs(now),
    );

    expect(purged).toBe(3);
    expect(await remaining()).toEqual([
      { tenant_id: 'acme', days: 2, count: 1 },
      { tenant_id: 'beta', days: 40, count: 1 },
    ]);
  });

  it('deletes in bounded batches until none is left, and spares rows its condition excludes', async () => {
    await insert('acme', daysAgo(100), 25);
    await insert('acme', daysAgo(100), 2, false);
    const policy = new RetentionPolicy(90 * DAY);

    const purged = await purgeOldRows(
      query,
      { table: 'history.events', tenantColumn: 'tenant_id', timeColumn: 'at', onlyWhere: 'done' },
      policy.cutoffs(now),
      10,
    );

    expect(purged).toBe(25);
    // 10 + 10 + 5: the short batch ends the loop.
    expect(statements.filter((sql) => sql.includes('LIMIT 10'))).toHaveLength(3);
    expect(await remaining()).toEqual([{ tenant_id: 'acme', days: 100, count: 2 }]);
  });

  it('refuses a table or column name that is not a plain identifier', async () => {
    await expect(
      purgeOldRows(
        query,
        { table: 'history.events; DROP TABLE x', tenantColumn: 'tenant_id', timeColumn: 'at' },
        new RetentionPolicy(DAY).cutoffs(now),
      ),
    ).rejects.toThrow(/not a plain identifier/);
  });
});
