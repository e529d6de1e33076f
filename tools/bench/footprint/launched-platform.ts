// `npm start` as a user runs it: the command of package.json's start script, in the repo root,
// with a fresh data directory and free ports for everything the launcher lets us move. The
// services' own ports (3000, 3101-3108) are fixed by the launcher, so they must be free.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CHANNEL_SENDER_SERVICES,
  freePort,
  PLATFORM_SERVICES,
  repoRoot,
  waitFor,
} from '@switchboard/testing';
import { isRunning, platformProcesses } from './process-tree';

const READY_LINE = 'Switchboard is running';
const STOP_TIMEOUT_MS = 60_000;
const SHOWN_OUTPUT_LINES = 40;
// Settings that would make the launcher use something outside instead of its embedded default.
const OUTSIDE_INFRASTRUCTURE = [
  'KAFKA_BROKERS',
  'DATABASE_URL',
  'SES_ENDPOINT',
  'USE_AMAZON_SES',
  'SNS_ENDPOINT',
  'USE_AMAZON_SNS',
  'SWITCHBOARD_DATA_DIR',
  'SWITCHBOARD_DEV_API_KEY',
];

export interface LaunchedPlatform {
  pid: number;
  /** From spawn until the launcher printed that Switchboard is running. */
  readySeconds: number;
  apiUrl: string;
  devApiKey: string;
  sesEndpoint: string;
  /** Every line the launcher printed (its services' logs included). */
  output: string[];
  /** Throws when the launcher has exited. */
  assertRunning(): void;
  /** SIGINT as Ctrl+C would, then SIGKILL whatever is left; removes the data directory. */
  stop(): Promise<{ clean: boolean; killed: string[] }>;
}

export async function launchPlatform(options: {
  env: Record<string, string>;
  readyTimeoutMs: number;
}): Promise<LaunchedPlatform> {
  const root = repoRoot();
  await assertServicePortsFree();
  const dataDir = mkdtempSync(join(tmpdir(), 'footprint-bench-data-'));
  const removeDataDir = () => rm(dataDir, { recursive: true, force: true });
  const env: Record<string, string | undefined> = { ...process.env };
  for (const name of OUTSIDE_INFRASTRUCTURE) delete env[name];
  Object.assign(env, {
    SWITCHBOARD_DATA_DIR: dataDir,
    BROKER_PORT: String(await freePort()),
    EMBEDDED_POSTGRES_PORT: String(await freePort()),
    SES_EMULATOR_PORT: String(await freePort()),
    SNS_EMULATOR_PORT: String(await freePort()),
    PUSH_SERVICE_PORT: String(await freePort()),
    ...options.env,
  });

  const [executable, ...args] = startCommand(root);
  const spawnedAt = performance.now();
  const child = spawn(executable === 'node' ? process.execPath : executable, args, {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  let readyAt: number | undefined;
  const collect = (stream: NodeJS.ReadableStream) => {
    let pending = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const lines = (pending + chunk).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (readyAt === undefined && line.includes(READY_LINE)) readyAt = performance.now();
        output.push(line);
      }
    });
  };
  collect(child.stdout);
  collect(child.stderr);
  let exitCode: number | null | undefined;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exitCode = code ?? (signal ? -1 : null);
      resolve();
    }),
  );
  const assertRunning = () => {
    if (exitCode !== undefined) {
      throw new Error(`npm start exited (code ${exitCode}); its last lines:\n${lastLines(output)}`);
    }
  };
  const stop = () => stopLauncher(child, exited, () => exitCode !== undefined).finally(removeDataDir);

  try {
    await waitFor(
      `npm start to print "${READY_LINE}"`,
      () => {
        assertRunning();
        // The summary is printed in one write; the line after the ready line ends it.
        return readyAt !== undefined && output.some((line) => line.startsWith('Press Ctrl+C'));
      },
      options.readyTimeoutMs,
      50,
    ).catch((error: Error) => {
      throw new Error(`${error.message}; its last lines:\n${lastLines(output)}`);
    });
  } catch (error) {
    await stop();
    throw error;
  }
  const field = (name: string) => {
    const line = output.find((candidate) => candidate.trimStart().startsWith(`${name}:`));
    const value = line
      ?.trimStart()
      .slice(name.length + 1)
      .trim()
      .split(/\s+/)[0];
    if (!value) throw new Error(`npm start printed no "${name}:" line`);
    return value;
  };
  return {
    pid: child.pid as number,
    readySeconds: ((readyAt as number) - spawnedAt) / 1000,
    apiUrl: field('API'),
    devApiKey: field('Dev API key'),
    // The mail viewer is the emulator's root page.
    sesEndpoint: field('Sent mail').replace(/\/$/, ''),
    output,
    assertRunning,
    stop,
  };
}

/** The start script of package.json, split into words (it is one plain command, no shell syntax). */
function startCommand(root: string): string[] {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    scripts?: Record<string, string>;
  };
  const command = manifest.scripts?.start;
  if (!command || /[|&;<>()$`"'\\]/.test(command)) {
    throw new Error(`package.json's start script is not one plain command: ${command ?? '(none)'}`);
  }
  return command.split(/\s+/);
}

async function assertServicePortsFree(): Promise<void> {
  const services = [...PLATFORM_SERVICES, ...CHANNEL_SENDER_SERVICES];
  const taken: string[] = [];
  for (const { name, port } of services) {
    if (!(await portIsFree(port))) taken.push(`${port} (${name})`);
  }
  if (taken.length > 0) {
    throw new Error(
      `npm start runs its services on fixed ports, and these are taken: ${taken.join(', ')}. ` +
        'Stop whatever uses them (another npm start?) and run the bench again.',
    );
  }
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function stopLauncher(
  child: ChildProcess,
  exited: Promise<void>,
  hasExited: () => boolean,
): Promise<{ clean: boolean; killed: string[] }> {
  // Taken before the signal: once the launcher is gone its orphans are no longer its children.
  const processes = child.pid === undefined ? [] : platformProcesses(child.pid);
  if (!hasExited()) child.kill('SIGINT');
  const stoppedInTime = await Promise.race([
    exited.then(() => true),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(false), STOP_TIMEOUT_MS).unref()),
  ]);
  const killed: string[] = [];
  for (const { label, pid } of processes) {
    if (!isRunning(pid)) continue;
    try {
      process.kill(pid, 'SIGKILL');
      killed.push(label);
    } catch {
      // Gone meanwhile.
    }
  }
  await exited;
  return { clean: stoppedInTime && killed.length === 0, killed };
}

function lastLines(output: string[]): string {
  return output
    .slice(-SHOWN_OUTPUT_LINES)
    .map((line) => `  ${line}`)
    .join('\n');
}
