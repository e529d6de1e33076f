import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { copyFile, cp, mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { PersistenceError } from './persistence-error';

export interface EmbeddedPostgresOptions {
  /** Where the database files live; in memory when absent. One process per directory. */
  dataDir?: string;
  /** 0 (the default) picks a free port; `port` on the result tells which. */
  port?: number;
  host?: string;
  /** Open connections the server accepts; more are dropped without a PostgreSQL error. */
  maxConnections?: number;
  /**
   * A folder that keeps a new, empty database per PGlite version, copied into each new dataDir:
   * creating a database (initdb) takes 4-6 s, copying one about 0.1 s. Made by the first start
   * that needs it. Without it, each new dataDir is created from scratch.
   */
  templatesDir?: string;
  log?: (line: string) => void;
}

export interface EmbeddedPostgres {
  /** postgres://postgres@host:port/postgres, for DATABASE_URL. */
  url: string;
  port: number;
  stop(): Promise<void>;
}

// Six services with pools of 10, a migration connection each, and room for replicas and tools.
export const DEFAULT_EMBEDDED_MAX_CONNECTIONS = 128;
const WORKER_FILE = join(__dirname, 'embedded-postgres.worker.js');

type WorkerMessage =
  | { type: 'listening'; port: number }
  | { type: 'initialised' }
  | { type: 'start-failed'; message: string }
  | { type: 'log'; line: string }
  | { type: 'stopped' };

/**
 * PGlite (PostgreSQL compiled to WebAssembly) served on a TCP port, so pg and TypeORM use it unchanged.
 * All its connections share one backend session: a SET is seen by every connection, and an open
 * transaction holds every other connection back until it ends.
 */
export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions = {},
): Promise<EmbeddedPostgres> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 0;
  const maxConnections = options.maxConnections ?? DEFAULT_EMBEDDED_MAX_CONNECTIONS;
  const log = options.log ?? (() => undefined);
  assertEmbeddedOptions(port, maxConnections);
  const dataDir = options.dataDir === undefined ? undefined : resolve(options.dataDir);
  if (dataDir !== undefined) {
    await mkdir(dataDir, { recursive: true }).catch((error: Error) => {
      throw startFailed(`cannot create dataDir ${dataDir}: ${error.message}`, error);
    });
  }

  if (dataDir !== undefined && !isDatabase(dataDir)) {
    if (options.templatesDir === undefined) {
      await initialiseDataDir(dataDir);
    } else {
      const template = await keptTemplate(resolve(options.templatesDir), log);
      await copyDatabase(template, dataDir);
    }
    log(`embedded PostgreSQL (PGlite) created its data in ${dataDir}`);
  }

  const worker = startWorker({ dataDir, port, host, maxConnections });
  let started = false;
  let stopRequested = false;
  const stopped = new Promise<void>((resolveStopped) => {
    worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'log') log(message.line);
      if (message.type === 'stopped') resolveStopped();
    });
    worker.on('exit', (code) => {
      if (started && !stopRequested) log(`embedded PostgreSQL thread exited with code ${code}`);
      resolveStopped();
    });
  });
  worker.on('error', (error) => {
    if (started) log(`embedded PostgreSQL thread failed: ${error.message}`);
  });

  const listeningPort = await new Promise<number>((resolveStarted, rejectStarted) => {
    worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'listening') resolveStarted(message.port);
      if (message.type === 'start-failed') rejectStarted(startFailed(message.message));
    });
    worker.once('error', (error) => rejectStarted(startFailed(error.message, error)));
    worker.once('exit', (code) => rejectStarted(startFailed(`the PGlite thread exited with code ${code}`)));
  }).catch(async (error: unknown) => {
    await worker.terminate();
    throw error;
  });
  started = true;
  const location = dataDir === undefined ? 'in memory' : `in ${dataDir}`;
  log(`embedded PostgreSQL (PGlite) listening on ${host}:${listeningPort}, data ${location}`);

  let stopping: Promise<void> | undefined;
  return {
    url: `postgres://postgres@${host.includes(':') ? `[${host}]` : host}:${listeningPort}/postgres`,
    port: listeningPort,
    stop: () => {
      stopping ??= (async () => {
        stopRequested = true;
        worker.postMessage({ type: 'stop' });
        await stopped;
        await worker.terminate();
      })();
      return stopping;
    },
  };
}

// execArgv: [] keeps the host's loader flags (such as a TypeScript register hook) out of the plain-JS thread.
function startWorker(workerData: object): Worker {
  return new Worker(WORKER_FILE, { workerData, execArgv: [] });
}

/**
 * Creating a database (initdb) grows PGlite's WebAssembly memory to about 770 MB, and WebAssembly
 * memory never shrinks. A fresh data directory is therefore created by a thread of its own that
 * then exits, and the thread that serves starts at the size it has on every later start (about
 * 200 MB), at the cost of opening the database twice (about a second) on the very first start.
 */
async function initialiseDataDir(dataDir: string): Promise<void> {
  const worker = startWorker({ dataDir, initialiseOnly: true });
  try {
    await new Promise<void>((resolveInitialised, rejectInitialised) => {
      worker.on('message', (message: WorkerMessage) => {
        if (message.type === 'initialised') resolveInitialised();
        if (message.type === 'start-failed') rejectInitialised(startFailed(message.message));
      });
      worker.once('error', (error) => rejectInitialised(startFailed(error.message, error)));
      worker.once('exit', (code) =>
        rejectInitialised(
          startFailed(`the PGlite thread exited with code ${code} while creating ${dataDir}`),
        ),
      );
    });
  } finally {
    await worker.terminate();
  }
}

// PostgreSQL writes PG_VERSION into every data directory; copies write it last (see copyDatabase).
const VERSION_FILE = 'PG_VERSION';

function isDatabase(dir: string): boolean {
  return existsSync(join(dir, VERSION_FILE));
}

/**
 * The template for this PGlite version, made first if there is none. It is made in a folder of its
 * own and renamed into place, so two starts at once each make one and the first rename wins.
 */
async function keptTemplate(templatesDir: string, log: (line: string) => void): Promise<string> {
  const template = join(templatesDir, `pglite-${pgliteVersion()}`);
  if (isDatabase(template)) return template;
  const making = `${template}.${randomUUID()}.making`;
  await mkdir(making, { recursive: true }).catch((error: Error) => {
    throw startFailed(`cannot create the template folder ${making}: ${error.message}`, error);
  });
  try {
    await initialiseDataDir(making);
    await rename(making, template).catch((error: Error) => {
      if (!isDatabase(template)) {
        throw startFailed(
          `cannot keep the template in ${template} (delete it to start afresh): ${error.message}`,
          error,
        );
      }
    });
    log(`embedded PostgreSQL (PGlite) keeps an empty database in ${template} for new data directories`);
  } finally {
    await rm(making, { recursive: true, force: true });
  }
  return template;
}

/** PG_VERSION goes last: a copy cut short is not taken for a database on the next start, but copied again. */
async function copyDatabase(template: string, dataDir: string): Promise<void> {
  const versionFile = join(template, VERSION_FILE);
  try {
    await cp(template, dataDir, { recursive: true, filter: (source) => source !== versionFile });
    await copyFile(versionFile, join(dataDir, VERSION_FILE));
  } catch (error) {
    throw startFailed(
      `cannot copy the template ${template} into ${dataDir}: ${(error as Error).message}`,
      error,
    );
  }
}

// The package's exports leave out its package.json, so it is found next to the entry point.
function pgliteVersion(): string {
  for (let dir = dirname(require.resolve('@electric-sql/pglite')); dirname(dir) !== dir; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (!existsSync(manifest)) continue;
    const { name, version } = JSON.parse(readFileSync(manifest, 'utf8')) as {
      name?: string;
      version?: string;
    };
    if (name === '@electric-sql/pglite' && version) return version;
  }
  throw startFailed('cannot tell the version of @electric-sql/pglite: its package.json was not found');
}

function assertEmbeddedOptions(port: number, maxConnections: number): void {
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw startFailed(`port: must be an integer from 0 to 65535, got ${port}`);
  }
  if (!Number.isInteger(maxConnections) || maxConnections < 1) {
    throw startFailed(`maxConnections: must be a positive integer, got ${maxConnections}`);
  }
}

function startFailed(problem: string, cause?: unknown): PersistenceError {
  return new PersistenceError(
    'EMBEDDED_POSTGRES_START_FAILED',
    `embedded PostgreSQL did not start: ${problem}`,
    {
      cause,
    },
  );
}
