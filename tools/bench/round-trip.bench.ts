// `npm run bench:round-trip`: the CPU one round trip costs on this machine, back to back and at a
// trickle. Every hop of the pipeline pays round trips (a fetch, its statements, a produce, an offset
// commit), so at a trickle a message's CPU is about its round trips times what one costs when the
// processes on both ends have just woken up. Two kinds, each on loopback:
//   HTTP: a Node client posting a small JSON body to a plain node:http server in a child process
//         (both ends' CPU from process.cpuUsage);
//   PostgreSQL: a pg client running `SELECT $1::int + 1` on TEST_DATABASE_URL's server (default the
//         local one); the backend's CPU from /proc/<pid>/stat, so it is shown on Linux only.
// A paced client's CPU includes waking from its timer, as a consumer wakes for a fetch's answer.
// Options (after `--`): --rates=10,50,200 the paced rates (requests per second; each is also run back
// to back), --seconds=N per paced rate (default 5).
import { fork, type ChildProcess } from 'node:child_process';
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { processCpuSeconds } from './pipeline/process-cpu';
import { renderTable } from './pipeline/report';

const BACK_TO_BACK_REQUESTS = 5_000;
const WARM_UP_REQUESTS = 2_000;
const DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

interface Arguments {
  rates: number[];
  seconds: number;
}

interface Pace {
  label: string;
  /** Requests per second, or undefined for back to back. */
  rate?: number;
  requests: number;
}

interface RoundTripTarget {
  name: string;
  call(): Promise<void>;
  /** CPU ms of the client (this process) and of the server so far. */
  clientCpuMs(): number;
  serverCpuMs(): Promise<number | undefined>;
  close(): Promise<void>;
}

if (process.argv.includes('--serve')) {
  serveHttp();
} else {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}

async function main(): Promise<void> {
  const { rates, seconds } = parseArguments(process.argv.slice(2));
  const paces: Pace[] = [
    { label: 'back to back', requests: BACK_TO_BACK_REQUESTS },
    ...rates.map((rate) => ({ label: `${rate}/s`, rate, requests: rate * seconds })),
  ];
  console.log(
    `Round-trip bench: CPU per round trip, back to back (${BACK_TO_BACK_REQUESTS}) and paced (${seconds} s each)\n`,
  );
  const rows: string[][] = [];
  for (const target of [await httpTarget(), await postgresTarget()]) {
    for (let index = 0; index < WARM_UP_REQUESTS; index += 1) await target.call();
    for (const pace of paces) {
      const figures = await measure(target, pace);
      rows.push([target.name, pace.label, ...figures]);
    }
    await target.close();
  }
  console.log(
    renderTable(['round trip', 'pace', 'client ms', 'server ms', 'both ms', 'round trips/s'], rows),
  );
  console.log(
    '\nPaced round trips find both ends asleep: each costs several times what one costs back to back. ' +
      "Multiply by a hop's round trips per message for its CPU per message at a trickle.",
  );
}

async function measure(target: RoundTripTarget, pace: Pace): Promise<string[]> {
  const clientBefore = target.clientCpuMs();
  const serverBefore = await target.serverCpuMs();
  const startedAt = performance.now();
  for (let index = 0; index < pace.requests; index += 1) {
    if (pace.rate !== undefined) {
      const due = startedAt + (index * 1000) / pace.rate;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
    }
    await target.call();
  }
  const elapsedS = (performance.now() - startedAt) / 1000;
  const client = (target.clientCpuMs() - clientBefore) / pace.requests;
  const serverAfter = await target.serverCpuMs();
  const server =
    serverBefore === undefined || serverAfter === undefined
      ? undefined
      : (serverAfter - serverBefore) / pace.requests;
  return [
    client.toFixed(3),
    server === undefined ? '-' : server.toFixed(3),
    server === undefined ? '-' : (client + server).toFixed(3),
    Math.round(pace.requests / elapsedS).toLocaleString('en-US'),
  ];
}

async function httpTarget(): Promise<RoundTripTarget> {
  const child = fork(__filename, ['--serve']);
  const port = await nextMessage<number>(child);
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const body = JSON.stringify({ tenantId: 'bench', payload: 'x'.repeat(512) });
  return {
    name: 'HTTP (Node to Node)',
    call: () =>
      new Promise<void>((resolve, reject) => {
        const outgoing = request(
          {
            host: '127.0.0.1',
            port,
            method: 'POST',
            path: '/',
            agent,
            headers: { 'content-type': 'application/json' },
          },
          (answer) => {
            answer.resume();
            answer.on('end', resolve);
          },
        );
        outgoing.on('error', reject);
        outgoing.end(body);
      }),
    clientCpuMs: processCpuMs,
    serverCpuMs: async () => {
      child.send('cpu');
      return nextMessage<number>(child);
    },
    close: async () => {
      agent.destroy();
      child.kill();
    },
  };
}

async function postgresTarget(): Promise<RoundTripTarget> {
  const client = new Client({ connectionString: DATABASE_URL, application_name: 'round-trip-bench' });
  await client.connect();
  const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  const backendPid = rows[0].pid;
  return {
    name: 'PostgreSQL (pg to backend)',
    call: async () => {
      await client.query('SELECT $1::int + 1 AS next', [41]);
    },
    clientCpuMs: processCpuMs,
    serverCpuMs: async () => {
      const seconds = processCpuSeconds(backendPid);
      return seconds === undefined ? undefined : seconds * 1000;
    },
    close: () => client.end(),
  };
}

function serveHttp(): void {
  const server = createServer((incoming, answer) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const { tenantId } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { tenantId: string };
      answer.setHeader('content-type', 'application/json');
      answer.end(JSON.stringify({ accepted: true, tenantId }));
    });
  });
  server.listen(0, '127.0.0.1', () => process.send?.((server.address() as AddressInfo).port));
  process.on('message', (message) => {
    if (message === 'cpu') process.send?.(processCpuMs());
  });
  process.on('disconnect', () => process.exit(0));
}

function processCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

function nextMessage<T>(child: ChildProcess): Promise<T> {
  return new Promise((resolve) => child.once('message', (message) => resolve(message as T)));
}

function parseArguments(args: string[]): Arguments {
  const parsed: Arguments = { rates: [10, 50, 200], seconds: 5 };
  const whole = (text: string, name: string): number => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < 1) {
      throw new Error(`--${name} must be whole numbers of at least 1, got ${text}`);
    }
    return value;
  };
  for (const arg of args) {
    if (arg.startsWith('--rates=')) {
      parsed.rates = arg
        .slice('--rates='.length)
        .split(',')
        .map((rate) => whole(rate.trim(), 'rates'));
    } else if (arg.startsWith('--seconds=')) {
      parsed.seconds = whole(arg.slice('--seconds='.length), 'seconds');
    } else if (arg !== '--serve') {
      throw new Error(`unknown argument ${arg}; expected --rates=N,N,... or --seconds=N`);
    }
  }
  return parsed;
}
