import { cp, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { type EmbeddedPostgres, startEmbeddedPostgres } from '../src/embedded-postgres';
import { startInMemoryEmbeddedPostgres } from './support/database-servers';
import { eventually } from './support/eventually';
import { dataRowValues, RawPostgresConnection } from './support/raw-postgres-connection';
import { describePersistenceSuite } from './support/persistence-suite';

describe('persistence on embedded PGlite', () => {
  describePersistenceSuite(startInMemoryEmbeddedPostgres);
});

describe('embedded PostgreSQL server', () => {
  const servers: EmbeddedPostgres[] = [];
  const clients: Client[] = [];

  async function start(options: Parameters<typeof startEmbeddedPostgres>[0] = {}): Promise<EmbeddedPostgres> {
    const server = await startEmbeddedPostgres(options);
    servers.push(server);
    return server;
  }

  async function connect(url: string): Promise<Client> {
    const client = new Client({ connectionString: url });
    clients.push(client);
    await client.connect();
    return client;
  }

  async function stopAll(): Promise<void> {
    await Promise.all(clients.splice(0).map((client) => client.end().catch(() => undefined)));
    await Promise.all(servers.splice(0).map((server) => server.stop()));
  }

  afterEach(stopAll);

  it('keeps rows in its dataDir across stop and start', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'persistence-pglite-'));
    try {
      const first = await start({ dataDir });
      const writer = await connect(first.url);
      await writer.query('CREATE TABLE kept (id integer PRIMARY KEY, label text NOT NULL)');
      await writer.query('INSERT INTO kept VALUES ($1, $2), ($3, $4)', [1, 'one', 2, 'two']);
      await writer.end();
      await first.stop();

      const second = await start({ dataDir });
      const reader = await connect(second.url);
      const { rows } = await reader.query('SELECT id, label FROM kept ORDER BY id');

      expect(rows).toEqual([
        { id: 1, label: 'one' },
        { id: 2, label: 'two' },
      ]);
    } finally {
      await stopAll();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('copies each new dataDir from a template it makes once per PGlite version', async () => {
    const root = await mkdtemp(join(tmpdir(), 'persistence-pglite-template-'));
    const templatesDir = join(root, 'templates');
    try {
      const firstLog: string[] = [];
      const first = await start({
        dataDir: join(root, 'first'),
        templatesDir,
        log: (line) => firstLog.push(line),
      });
      const writer = await connect(first.url);
      await writer.query('CREATE TABLE only_in_first (id integer PRIMARY KEY)');
      await writer.end();
      await first.stop();

      const secondLog: string[] = [];
      const second = await start({
        dataDir: join(root, 'second'),
        templatesDir,
        log: (line) => secondLog.push(line),
      });
      const reader = await connect(second.url);
      const { rows } = await reader.query("SELECT to_regclass('only_in_first') AS found");

      expect(rows).toEqual([{ found: null }]);
      expect(await readdir(templatesDir)).toEqual([expect.stringMatching(/^pglite-\d+\.\d+\.\d+/)]);
      expect(firstLog.filter((line) => line.includes('keeps an empty database'))).toHaveLength(1);
      expect(secondLog.filter((line) => line.includes('keeps an empty database'))).toHaveLength(0);
      expect(secondLog).toContain(`embedded PostgreSQL (PGlite) created its data in ${join(root, 'second')}`);
    } finally {
      await stopAll();
      await rm(root, { recursive: true, force: true });
    }
  });

  it('copies the template again over a copy that was cut short', async () => {
    const root = await mkdtemp(join(tmpdir(), 'persistence-pglite-template-'));
    const templatesDir = join(root, 'templates');
    const dataDir = join(root, 'data');
    try {
      await (await start({ dataDir: join(root, 'made'), templatesDir })).stop();
      const [template] = await readdir(templatesDir);
      // Everything but PG_VERSION, which a copy writes last, and a file cut off half way.
      await cp(join(templatesDir, template), dataDir, {
        recursive: true,
        filter: (source) => !source.endsWith('PG_VERSION'),
      });
      await writeFile(join(dataDir, 'global', 'pg_control'), 'cut short');

      const server = await start({ dataDir, templatesDir });
      const client = await connect(server.url);

      expect((await client.query('SELECT 41 + 1 AS answer')).rows).toEqual([{ answer: 42 }]);
    } finally {
      await stopAll();
      await rm(root, { recursive: true, force: true });
    }
  });

  it('serves 20 concurrent pg clients, each with its own answers and transactions', async () => {
    const server = await start();
    const setup = await connect(server.url);
    await setup.query('CREATE TABLE visits (client integer PRIMARY KEY, note text NOT NULL)');

    const answers = await Promise.all(
      Array.from({ length: 20 }, async (_, index) => {
        const client = await connect(server.url);
        await client.query('BEGIN');
        await client.query('INSERT INTO visits (client, note) VALUES ($1, $2)', [index, `client ${index}`]);
        const { rows } = await client.query('SELECT note FROM visits WHERE client = $1', [index]);
        await client.query('COMMIT');
        const sum = await client.query('SELECT $1::integer + $2::integer AS sum', [index, 1000]);
        return { note: rows[0].note, sum: sum.rows[0].sum };
      }),
    );

    expect(answers).toEqual(
      Array.from({ length: 20 }, (_, index) => ({ note: `client ${index}`, sum: index + 1000 })),
    );
    const { rows } = await setup.query('SELECT count(*)::integer AS count FROM visits');
    expect(rows[0].count).toBe(20);
  });

  // pglite-socket alone would run the other client's Parse here and hand its statement to the first client's Bind.
  it("holds other clients back while one is inside an extended-query sequence, so statements don't cross", async () => {
    const server = await start();
    const first = await RawPostgresConnection.open(server.port);
    const other = await connect(server.url);
    first.parse('SELECT $1::integer + 1 AS next').flush();
    await first.readUntil('1');
    const otherAnswer = other.query('SELECT $1::text AS word', ['other']).then(({ rows }) => rows[0].word);

    const otherAnsweredInsideTheSequence = await answeredWithin(otherAnswer, 500);
    first.bind(['41']).execute().sync();
    const firstReply = await first.readUntil('Z');

    expect(otherAnsweredInsideTheSequence).toBe(false);
    expect(firstReply.filter((message) => message.type === 'D').map(dataRowValues)).toEqual([['42']]);
    expect(await otherAnswer).toBe('other');
    first.destroy();
  });

  it('lets other clients go on when a client disconnects inside a failed extended-query sequence', async () => {
    const server = await start();
    const leaving = await RawPostgresConnection.open(server.port);
    const other = await connect(server.url);
    // A failed Parse makes the backend skip everything until a Sync, which this client never sends.
    leaving.parse('SELEKT $1::integer').flush();
    await leaving.readUntil('E');
    const otherAnswer = other.query('SELECT $1::text AS word', ['after']);

    leaving.destroy();

    expect((await otherAnswer).rows).toEqual([{ word: 'after' }]);
  });

  it('fails with EMBEDDED_POSTGRES_START_FAILED when its port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as AddressInfo;
    try {
      await expect(startEmbeddedPostgres({ port })).rejects.toMatchObject({
        code: 'EMBEDDED_POSTGRES_START_FAILED',
        message: expect.stringContaining(`127.0.0.1:${port}`),
      });
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('refuses connections beyond maxConnections and logs why', async () => {
    const lines: string[] = [];
    const server = await start({ maxConnections: 2, log: (line) => lines.push(line) });
    await connect(server.url);
    await connect(server.url);

    await expect(connect(server.url)).rejects.toThrow();

    await eventually('the refusal is logged', () =>
      lines.some((line) => line.includes('refused a connection')),
    );
  });
});

/** Whether the promise settles within the window: used only to show that something is held back. */
async function answeredWithin(answer: Promise<unknown>, windowMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const windowClosed = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), windowMs);
  });
  try {
    return await Promise.race([answer.then(() => true), windowClosed]);
  } finally {
    clearTimeout(timer);
  }
}
