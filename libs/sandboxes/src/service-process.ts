import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './repo-root';
import { waitFor } from './wait-for';

export interface ServiceProcessOptions {
  /** Names the process in log echoes and errors. */
  name: string;
  /**
   * Repo-relative entry: compiled JavaScript (a service's build output, see `compiledServiceEntry`)
   * runs as it is; a TypeScript file (a test fixture) runs through swc's register hook.
   */
  entry: string;
  /** Merged over this process's environment. */
  env: Record<string, string>;
  /** Polled until it answers 200 (each of them, for a process that serves several). */
  readyUrl?: string | readonly string[];
  /** Waited for in the process's output. */
  readyLog?: RegExp;
  /** For start-up until ready. Default 60 s: a Nest app on a busy machine, or a TypeScript entry, is slow. */
  timeoutMs?: number;
  /** Print every line as `[name] line`. Default: SB_TEST_ECHO=1. */
  echo?: boolean;
  /** Called with every output line instead of the plain echo (the start tool formats them). */
  onLine?: (line: string) => void;
  /** Node's own options, before the entry (a heap limit, say). */
  nodeOptions?: readonly string[];
}

export interface ServiceProcess {
  name: string;
  /** Of the current run; changes on restart. */
  readonly pid: number;
  /** stdout and stderr lines of every run, in arrival order. */
  logs: string[];
  /** The first line of the current run that matches, waiting for it if need be. */
  waitForLog(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** SIGTERM and wait for exit; SIGKILL and throw if it has not exited in time (default 10 s). */
  stop(timeoutMs?: number): Promise<void>;
  /** SIGKILL, as a crash would, and wait for exit. */
  kill(): Promise<void>;
  /** Stops the process if it runs, then starts it again and waits until it is ready. */
  restart(): Promise<void>;
  /** Exit code of the current run; null when a signal ended it. */
  readonly exited: Promise<number | null>;
}

const DEFAULT_READY_TIMEOUT_MS = 60_000;
const DEFAULT_STOP_TIMEOUT_MS = 10_000;
const DEFAULT_LOG_TIMEOUT_MS = 15_000;
const TAIL_LINES = 30;

/** Children still running, killed if the test process exits without stopping them. */
const runningChildren = new Set<ChildProcess>();
let exitHookInstalled = false;

/**
 * Runs a service as its own Node process in the repo root, as in production (`node <entry>`, or
 * `node -r @swc-node/register <entry>` for a TypeScript one), and resolves once it is ready.
 */
export async function startServiceProcess(options: ServiceProcessOptions): Promise<ServiceProcess> {
  const root = repoRoot();
  if (!existsSync(join(root, options.entry))) {
    throw new Error(`${options.name}: entry ${options.entry} does not exist under the repo root`);
  }
  installExitHook();
  const echo = options.echo ?? process.env.SB_TEST_ECHO === '1';
  const logs: string[] = [];
  let run!: Run;

  const currentRunLogs = () => logs.slice(run.firstLogIndex);
  const tail = () => describeTail(options.name, logs);
  const hasExited = () => run.ended || run.child.exitCode !== null || run.child.signalCode !== null;

  const record = (line: string) => {
    logs.push(line);
    if (options.onLine) options.onLine(line);
    else if (echo) process.stdout.write(`[${options.name}] ${line}\n`);
  };

  const spawnChild = () => {
    const child = spawn(process.execPath, nodeArguments(options.entry, options.nodeOptions ?? []), {
      cwd: root,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    runningChildren.add(child);
    collectLines(child.stdout, record);
    collectLines(child.stderr, record);
    const thisRun: Run = { child, firstLogIndex: logs.length, ended: false, exited: Promise.resolve(null) };
    thisRun.exited = new Promise((resolve) => {
      child.once('error', (error) => {
        record(`[could not start: ${error.message}]`);
        thisRun.ended = true;
        resolve(null);
      });
      // 'close' rather than 'exit': by then every line the process wrote has been collected.
      child.once('close', (code) => {
        runningChildren.delete(child);
        thisRun.ended = true;
        resolve(code);
      });
    });
    run = thisRun;
  };

  const waitUntilReady = async () => {
    const { readyUrl, readyLog, timeoutMs = DEFAULT_READY_TIMEOUT_MS } = options;
    const readyUrls = readyUrl === undefined ? [] : [readyUrl].flat();
    const waitingFor = [
      readyUrls.length > 0 && `${readyUrls.join(', ')} to answer 200`,
      readyLog && `a log line matching ${readyLog}`,
    ].filter(Boolean);
    const description = `${options.name} to be ready (${waitingFor.join(' and ') || 'start'})`;
    let outcome: 'ready' | 'exited';
    try {
      outcome = await waitFor(
        description,
        async () => {
          if (hasExited()) return 'exited' as const;
          if (readyLog && !currentRunLogs().some((line) => matches(readyLog, line))) return false;
          for (const url of readyUrls) if (!(await answersOk(url))) return false;
          return 'ready' as const;
        },
        timeoutMs,
        100,
      );
    } catch (error) {
      await forceKill();
      throw new Error(`${(error as Error).message}\n${tail()}`);
    }
    if (outcome === 'exited') {
      const code = await run.exited;
      throw new Error(
        `${options.name} exited (${describeExit(code, run.child)}) before it was ready\n${tail()}`,
      );
    }
  };

  const forceKill = async () => {
    if (!hasExited()) run.child.kill('SIGKILL');
    await run.exited;
  };

  const stop = async (timeoutMs = DEFAULT_STOP_TIMEOUT_MS) => {
    if (hasExited()) {
      await run.exited;
      return;
    }
    run.child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>(
      (resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)),
    );
    const outcome = await Promise.race([run.exited, timedOut]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      await forceKill();
      throw new Error(
        `${options.name} did not exit within ${timeoutMs} ms of SIGTERM and was killed\n${tail()}`,
      );
    }
  };

  spawnChild();
  await waitUntilReady();

  return {
    name: options.name,
    get pid() {
      return run.child.pid ?? -1;
    },
    logs,
    get exited() {
      return run.exited;
    },
    waitForLog: async (pattern, timeoutMs = DEFAULT_LOG_TIMEOUT_MS) => {
      try {
        return await waitFor(
          `${options.name} to log a line matching ${pattern}`,
          () => currentRunLogs().find((line) => matches(pattern, line)),
          timeoutMs,
        );
      } catch (error) {
        throw new Error(`${(error as Error).message}\n${tail()}`);
      }
    },
    stop,
    kill: forceKill,
    restart: async () => {
      await stop();
      spawnChild();
      await waitUntilReady();
    },
  };
}

// Source maps either way, so that a stack trace names the .ts lines.
function nodeArguments(entry: string, nodeOptions: readonly string[]): string[] {
  const typeScriptHook = entry.endsWith('.ts') ? ['-r', '@swc-node/register'] : [];
  return ['--enable-source-maps', ...nodeOptions, ...typeScriptHook, entry];
}

interface Run {
  child: ChildProcess;
  /** Index in the shared log list of this run's first line. */
  firstLogIndex: number;
  ended: boolean;
  exited: Promise<number | null>;
}

/** Splits a stream into lines, keeping a partial line until its end arrives. */
function collectLines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let partial = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const lines = (partial + chunk).split(/\r?\n/);
    partial = lines.pop() ?? '';
    lines.forEach(onLine);
  });
  stream.on('end', () => {
    if (partial) onLine(partial);
    partial = '';
  });
}

/** Ignores a /g pattern's lastIndex, which would make repeated tests alternate. */
function matches(pattern: RegExp, line: string): boolean {
  return line.search(pattern) !== -1;
}

async function answersOk(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
    await response.body?.cancel();
    return response.status === 200;
  } catch {
    return false;
  }
}

function describeExit(code: number | null, child: ChildProcess): string {
  return code === null ? `signal ${child.signalCode ?? 'unknown'}` : `code ${code}`;
}

function describeTail(name: string, logs: string[]): string {
  const lines = logs.slice(-TAIL_LINES);
  return `last ${lines.length} log lines of ${name}:\n${lines.map((line) => `  ${line}`).join('\n')}`;
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of runningChildren) child.kill('SIGKILL');
  });
}
