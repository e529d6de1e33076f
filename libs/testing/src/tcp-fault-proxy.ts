import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { reachableHost } from '@switchboard/sandboxes';

/**
 * - `refuse`: as a dependency that is down: every open connection is reset and each new one is
 *   reset as soon as it is accepted.
 * - `blackhole`: as a network partition: connections stay open and new ones are accepted, but no
 *   byte goes either way. Bytes are held, not dropped (TCP would retransmit them), and go on at
 *   `restore()`; a connection opened during the cut reaches the target then.
 * - `one-way`: as a partition of the way back: what clients send reaches the target, but its
 *   answers are held (a request carried out whose answer is lost when the connection then breaks).
 */
export type TcpCutMode = 'refuse' | 'blackhole' | 'one-way';

export type TcpProxyState = 'forwarding' | TcpCutMode;

export interface TcpFaultProxyOptions {
  /** "host:port" to forward to, or a function read for each new connection (a target started after the proxy). */
  target: string | (() => string);
  /** Default 0: a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
}

export interface TcpConnectionCounts {
  /** Connections accepted since the start, forwarded or held (not the refused ones). */
  accepted: number;
  /** Open now. */
  open: number;
  /** Reset as soon as they were accepted, during a `refuse` cut. */
  refused: number;
  /** Open connections that a `refuse` cut reset. */
  reset: number;
}

export interface TcpFaultProxy {
  readonly host: string;
  readonly port: number;
  /** "host:port", to give to clients in place of the target's. */
  readonly address: string;
  readonly state: TcpProxyState;
  /** Default mode `refuse`. Cutting again changes the mode. */
  cut(options?: { mode?: TcpCutMode }): void;
  /** Forwards again: held bytes first, then whatever comes. */
  restore(): void;
  connections(): TcpConnectionCounts;
  /** Stops listening and closes every connection. */
  stop(): Promise<void>;
}

/** A TCP proxy between clients and a server (PostgreSQL, a broker) that a test can cut and restore. */
export async function startTcpFaultProxy(options: TcpFaultProxyOptions): Promise<TcpFaultProxy> {
  const resolveTarget =
    typeof options.target === 'function' ? options.target : () => options.target as string;
  if (typeof options.target === 'string') parseAddress(options.target);
  let state: TcpProxyState = 'forwarding';
  const connections = new Set<ProxiedConnection>();
  const counts = { accepted: 0, refused: 0, reset: 0 };

  const server = createServer({ pauseOnConnect: true }, (client) => {
    client.on('error', () => undefined);
    if (state === 'refuse') {
      counts.refused += 1;
      client.resetAndDestroy();
      return;
    }
    counts.accepted += 1;
    const connection = new ProxiedConnection(client, resolveTarget, () => connections.delete(connection));
    connections.add(connection);
    if (state === 'forwarding') connection.forward();
    if (state === 'one-way') connection.forwardOneWay();
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port: options.port ?? 0 }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  return {
    host,
    port,
    address: `${reachableHost(host)}:${port}`,
    get state() {
      return state;
    },
    cut: ({ mode = 'refuse' } = {}) => {
      state = mode;
      for (const connection of connections) {
        if (mode === 'refuse') {
          counts.reset += 1;
          connection.reset();
        } else if (mode === 'one-way') connection.forwardOneWay();
        else connection.hold();
      }
    },
    restore: () => {
      state = 'forwarding';
      for (const connection of connections) connection.forward();
    },
    connections: () => ({ ...counts, open: connections.size }),
    stop: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const connection of connections) connection.reset();
      await closed;
    },
  };
}

/** One client connection and its connection to the target, opened when it is first forwarded. */
class ProxiedConnection {
  private upstream: Socket | undefined;
  private readonly toTarget: Pump;
  private toClient: Pump | undefined;
  private held = true;
  /** A side closed while held: what a partition would hide until it heals. */
  private closedWhileHeld: { side: 'client' | 'upstream'; hadError: boolean } | undefined;
  private finished = false;

  constructor(
    private readonly client: Socket,
    private readonly resolveTarget: () => string,
    private readonly onFinished: () => void,
  ) {
    client.setNoDelay(true);
    this.toTarget = new Pump(client);
    client.on('close', (hadError) => this.sideClosed('client', hadError));
  }

  forward(): void {
    if (this.finished) return;
    this.held = false;
    if (this.closedWhileHeld) {
      const { side, hadError } = this.closedWhileHeld;
      this.closedWhileHeld = undefined;
      this.sideClosed(side, hadError);
      return;
    }
    if (!this.upstream) this.connectUpstream();
    if (!this.upstream || !this.toClient) return;
    this.toTarget.flowTo(this.upstream);
    this.toClient.flowTo(this.client);
  }

  /** Forwards what the client sends and holds what the target answers. */
  forwardOneWay(): void {
    this.forward();
    this.toClient?.hold();
  }

  hold(): void {
    this.held = true;
    this.toTarget.hold();
    this.toClient?.hold();
  }

  reset(): void {
    this.finish();
    this.client.resetAndDestroy();
    this.upstream?.resetAndDestroy();
  }

  private connectUpstream(): void {
    let target: { host: string; port: number };
    try {
      target = parseAddress(this.resolveTarget());
    } catch {
      this.reset();
      return;
    }
    const upstream = connect({ host: target.host, port: target.port });
    upstream.setNoDelay(true);
    upstream.on('error', () => undefined);
    upstream.on('close', (hadError) => this.sideClosed('upstream', hadError));
    this.upstream = upstream;
    this.toClient = new Pump(upstream);
  }

  /** A reset goes on as a reset, a close as an end after what is still to be written. */
  private sideClosed(side: 'client' | 'upstream', hadError: boolean): void {
    if (this.finished) return;
    if (this.held) {
      this.closedWhileHeld ??= { side, hadError };
      return;
    }
    const other = side === 'client' ? this.upstream : this.client;
    this.finish();
    if (!other || other.destroyed) return;
    if (hadError) other.resetAndDestroy();
    else other.end();
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.onFinished();
  }
}

/** Moves bytes from one socket to another while flowing; while held, reads nothing and keeps what was read. */
class Pump {
  private destination: Socket | undefined;
  private readonly kept: Buffer[] = [];
  private ended = false;
  private waitingForDrain = false;

  constructor(private readonly source: Socket) {
    source.pause();
    source.on('data', (chunk: Buffer) => {
      const destination = this.destination;
      if (!destination) {
        this.kept.push(chunk);
        source.pause();
        return;
      }
      if (!destination.write(chunk) && !this.waitingForDrain) {
        this.waitingForDrain = true;
        source.pause();
        destination.once('drain', () => {
          this.waitingForDrain = false;
          if (this.destination === destination) source.resume();
        });
      }
    });
    source.on('end', () => {
      if (this.destination) this.destination.end();
      else this.ended = true;
    });
  }

  flowTo(destination: Socket): void {
    this.destination = destination;
    for (const chunk of this.kept.splice(0)) destination.write(chunk);
    if (this.ended) destination.end();
    else if (!this.waitingForDrain) this.source.resume();
  }

  hold(): void {
    this.destination = undefined;
    this.source.pause();
  }
}

function parseAddress(address: string): { host: string; port: number } {
  const colon = address.lastIndexOf(':');
  const host = address.slice(0, colon).replace(/^\[(.*)\]$/, '$1');
  const port = Number(address.slice(colon + 1));
  if (colon <= 0 || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`a TCP fault proxy target must be "host:port", got "${address}"`);
  }
  return { host, port };
}
