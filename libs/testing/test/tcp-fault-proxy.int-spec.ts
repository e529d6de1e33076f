import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { Client, Pool } from 'pg';
import { freePort, startTcpFaultProxy, waitFor, type TcpFaultProxy } from '../src';

const ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

interface EchoServer {
  address: string;
  /** Every chunk it read, with when. */
  received: Array<{ at: number; text: string }>;
  open(): number;
  accepted(): number;
  stop(): Promise<void>;
}

async function startEchoServer(): Promise<EchoServer> {
  const received: EchoServer['received'] = [];
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server: Server = createServer((socket) => {
    accepted += 1;
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
    socket.on('data', (chunk) => {
      received.push({ at: Date.now(), text: chunk.toString('latin1') });
      socket.write(chunk);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    address: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    open: () => sockets.size,
    accepted: () => accepted,
    stop: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** A plain TCP client that keeps what it reads and how its connection ended. */
class LineClient {
  data = '';
  error: NodeJS.ErrnoException | undefined;
  closed = false;
  readonly connected: Promise<void>;
  private readonly socket: Socket;

  constructor(address: string) {
    const colon = address.lastIndexOf(':');
    this.socket = connect({ host: address.slice(0, colon), port: Number(address.slice(colon + 1)) });
    this.socket.on('data', (chunk) => (this.data += chunk.toString('latin1')));
    this.socket.on('error', (error) => (this.error = error));
    this.socket.on('close', () => (this.closed = true));
    this.connected = new Promise((resolve, reject) => {
      this.socket.once('connect', resolve);
      this.socket.once('error', reject);
    });
    // A refused connection is observed through `error` and `closed`.
    this.connected.catch(() => undefined);
  }

  write(text: string): void {
    this.socket.write(Buffer.from(text, 'latin1'));
  }

  async roundTrip(text: string): Promise<void> {
    const before = this.data.length;
    this.write(text);
    await waitFor(`"${text.slice(0, 20)}" echoed`, () => this.data.slice(before) === text, 5000);
  }

  close(): void {
    this.socket.destroy();
  }
}

describe('startTcpFaultProxy in front of an echo server', () => {
  let echo: EchoServer;
  let proxy: TcpFaultProxy;
  const clients: LineClient[] = [];
  const client = (address = proxy.address) => {
    const created = new LineClient(address);
    clients.push(created);
    return created;
  };

  beforeEach(async () => {
    echo = await startEchoServer();
    proxy = await startTcpFaultProxy({ target: echo.address });
  });

  afterEach(async () => {
    for (const created of clients.splice(0)) created.close();
    await proxy.stop();
    await echo.stop();
  });

  it('forwards bytes both ways, a megabyte included, and a close from either side', async () => {
    const first = client();
    await first.connected;
    await first.roundTrip('hello');
    const megabyte = Array.from({ length: 1024 * 1024 }, (_, index) => String.fromCharCode(index % 256)).join(
      '',
    );
    await first.roundTrip(megabyte);
    expect(proxy.connections()).toEqual({ accepted: 1, open: 1, refused: 0, reset: 0 });
    expect(proxy.address).toMatch(/^127\.0\.0\.1:\d+$/);

    first.close();
    await waitFor(
      'the close to reach the echo server',
      () => echo.open() === 0 && proxy.connections().open === 0,
    );

    const second = client();
    await second.roundTrip('again');
    await echo.stop();
    await waitFor('the server closing to reach the client', () => second.closed);
    expect(second.error).toBeUndefined();
  });

  it('refuse: resets open connections at once and each new one until restored', async () => {
    const open = client();
    await open.roundTrip('before');
    const cutAt = Date.now();
    proxy.cut({ mode: 'refuse' });
    expect(proxy.state).toBe('refuse');

    await waitFor('the open connection to be reset', () => open.closed, 1000);
    expect(open.error?.code).toBe('ECONNRESET');
    await waitFor('the server side to be closed too', () => echo.open() === 0, 1000);

    const refused = client();
    await waitFor('a new connection to be reset', () => refused.closed, 1000);
    expect(refused.error?.code).toBe('ECONNRESET');
    expect(Date.now() - cutAt).toBeLessThan(1000);
    expect(echo.accepted()).toBe(1);
    expect(proxy.connections()).toEqual({ accepted: 1, open: 0, refused: 1, reset: 1 });

    proxy.restore();
    expect(proxy.state).toBe('forwarding');
    await client().roundTrip('after');
    expect(echo.accepted()).toBe(2);
  });

  it('blackhole: keeps connections open but forwards nothing, then delivers what was held at restore', async () => {
    const open = client();
    await open.roundTrip('one ');
    proxy.cut({ mode: 'blackhole' });

    open.write('two ');
    const openedDuringCut = client();
    await openedDuringCut.connected;
    openedDuringCut.write('three');
    // Give a forwarding proxy every chance to have passed the bytes on: two round trips straight
    // to the echo server take at least as many turns of the event loop as forwarding would.
    const direct = client(echo.address);
    await direct.roundTrip('direct one');
    await direct.roundTrip('direct two');

    expect(echo.received.map(({ text }) => text)).toEqual(['one ', 'direct one', 'direct two']);
    expect(open.data).toBe('one ');
    expect([open.closed, openedDuringCut.closed]).toEqual([false, false]);
    expect(proxy.connections()).toMatchObject({ accepted: 2, open: 2 });

    const restoredAt = Date.now();
    proxy.restore();
    await waitFor(
      'the held bytes to be echoed',
      () => open.data === 'one two ' && openedDuringCut.data === 'three',
    );
    const late = echo.received.filter(({ text }) => text === 'two ' || text === 'three');
    expect(late).toHaveLength(2);
    for (const { at } of late) expect(at).toBeGreaterThanOrEqual(restoredAt);
    expect([open.error, openedDuringCut.error]).toEqual([undefined, undefined]);
  });

  it('resets the client when the target refuses, and reads a function target for each connection', async () => {
    const nobody = await freePort();
    let target = `127.0.0.1:${nobody}`;
    const switching = await startTcpFaultProxy({ target: () => target });
    try {
      const refused = client(switching.address);
      await waitFor('the client to be reset', () => refused.closed, 2000);
      expect(refused.error?.code).toBe('ECONNRESET');

      target = echo.address;
      await client(switching.address).roundTrip('found it');
    } finally {
      await switching.stop();
    }
  });

  it('refuses a target that is not host:port', async () => {
    await expect(startTcpFaultProxy({ target: 'localhost' })).rejects.toThrow(
      'a TCP fault proxy target must be "host:port", got "localhost"',
    );
  });
});

describe('startTcpFaultProxy in front of PostgreSQL', () => {
  let proxy: TcpFaultProxy;
  let proxiedUrl: string;
  const clients: Client[] = [];
  const pgClient = (settings: { connectionTimeoutMillis?: number } = {}) => {
    const created = new Client({ connectionString: proxiedUrl, ...settings });
    created.on('error', () => undefined);
    clients.push(created);
    return created;
  };

  beforeEach(async () => {
    proxy = await startTcpFaultProxy({ target: new URL(ADMIN_URL).host });
    const url = new URL(ADMIN_URL);
    url.host = proxy.address;
    proxiedUrl = url.toString();
  });

  afterEach(async () => {
    proxy.restore();
    await Promise.allSettled(clients.splice(0).map((created) => created.end()));
    await proxy.stop();
  });

  it('refuse: a query fails at once with a connection error, and after restore a new pool connects', async () => {
    const client = pgClient();
    await client.connect();
    expect((await client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);

    const cutAt = Date.now();
    proxy.cut({ mode: 'refuse' });
    await expect(client.query('SELECT 2')).rejects.toThrow(/Connection terminated|ECONNRESET|not queryable/);
    await expect(pgClient().connect()).rejects.toThrow(/ECONNRESET|Connection terminated/);
    const pool = new Pool({ connectionString: proxiedUrl, connectionTimeoutMillis: 2000 });
    pool.on('error', () => undefined);
    try {
      await expect(pool.query('SELECT 3')).rejects.toThrow(/ECONNRESET|Connection terminated/);
      expect(Date.now() - cutAt).toBeLessThan(2000);
      expect(proxy.connections()).toMatchObject({ reset: 1, refused: 2 });

      proxy.restore();
      expect((await pool.query('SELECT 4 AS four')).rows).toEqual([{ four: 4 }]);
    } finally {
      await pool.end();
    }
  });

  it('blackhole: a query waits and a new connection times out, then the query is answered at restore', async () => {
    const client = pgClient();
    await client.connect();
    await client.query('SELECT 1');

    proxy.cut({ mode: 'blackhole' });
    let answered = false;
    const waiting = client.query("SELECT 'after the partition' AS answer").finally(() => (answered = true));
    // The client library's own connect timeout is the window in which the query must stay unanswered.
    await expect(pgClient({ connectionTimeoutMillis: 500 }).connect()).rejects.toThrow(/timeout/i);
    expect(answered).toBe(false);

    proxy.restore();
    expect((await waiting).rows).toEqual([{ answer: 'after the partition' }]);
    const fresh = pgClient();
    await fresh.connect();
    expect((await fresh.query('SELECT 5 AS five')).rows).toEqual([{ five: 5 }]);
  });
});
