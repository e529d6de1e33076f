import { spawn, spawnSync, type ChildProcess } from 'node:child_process';

// Drives kcat (librdkafka), a client we did not write, as a child process. Its stderr is
// always kept: with `-d broker,protocol` it is the wire-level story of a failure.

export const KCAT = process.env.KCAT_BIN ?? 'kcat';

/** librdkafka debug contexts for runs that name none; their output only surfaces on failure. */
const DEBUG_CONTEXTS = process.env.KCAT_DEBUG ?? 'broker,protocol';

export function kcatVersion(): string | undefined {
  const probe = spawnSync(KCAT, ['-V'], { encoding: 'utf8', timeout: 5000 });
  if (probe.error || probe.status !== 0) return undefined;
  return /librdkafka [\d.]+/.exec(probe.stdout)?.[0] ?? probe.stdout.trim();
}

export interface KcatProcess {
  readonly args: string[];
  /** Everything written to stdout so far. */
  stdout(): Buffer;
  stderr(): string;
  /** Resolves with the exit code (or the signal's name) once the process has ended. */
  readonly exited: Promise<number | string>;
  /** Sends SIGTERM (kcat then closes its consumer cleanly), SIGKILL if it lingers. */
  stop(timeoutMs?: number): Promise<number | string>;
  /** Closing stdin ends a producer's input. */
  end(input?: Buffer | string): void;
}

export function startKcat(args: string[]): KcatProcess {
  const wantsDefaultDebug = DEBUG_CONTEXTS && !args.includes('-d');
  const fullArgs = [...args, ...(wantsDefaultDebug ? ['-d', DEBUG_CONTEXTS] : [])];
  const child: ChildProcess = spawn(KCAT, fullArgs, { stdio: ['pipe', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout!.on('data', (chunk: Buffer) => out.push(chunk));
  child.stderr!.on('data', (chunk: Buffer) => err.push(chunk));
  child.stdin!.on('error', () => undefined); // kcat may exit before reading all input
  const exited = new Promise<number | string>((resolve) => {
    child.on('error', (error) => {
      err.push(Buffer.from(`\nspawn failed: ${error.message}\n`));
      resolve(`spawn error: ${error.message}`);
    });
    child.on('close', (code, signal) => resolve(code ?? signal ?? 'unknown'));
  });
  return {
    args: fullArgs,
    stdout: () => Buffer.concat(out),
    stderr: () => Buffer.concat(err).toString('utf8'),
    exited,
    end: (input) => child.stdin!.end(input),
    stop: async (timeoutMs = 5000) => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

export interface KcatResult {
  code: number | string;
  stdout: Buffer;
  stderr: string;
}

/** Runs kcat to completion, feeding it input; kills it and fails after the timeout. */
export async function runKcat(
  args: string[],
  input?: Buffer | string,
  timeoutMs = 8000,
): Promise<KcatResult> {
  const kcat = startKcat(args);
  kcat.end(input);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>(
    (resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)),
  );
  const outcome = await Promise.race([kcat.exited, timedOut]);
  clearTimeout(timer);
  if (outcome === 'timeout') {
    await kcat.stop(1000);
    throw new Error(
      `kcat ${kcat.args.join(' ')} did not finish within ${timeoutMs} ms\n${describeOutput(kcat)}`,
    );
  }
  return { code: outcome, stdout: kcat.stdout(), stderr: kcat.stderr() };
}

export function describeOutput(kcat: { stdout(): Buffer; stderr(): string } | KcatResult): string {
  const stdout = typeof kcat.stdout === 'function' ? kcat.stdout() : kcat.stdout;
  const stderr = typeof kcat.stderr === 'function' ? kcat.stderr() : kcat.stderr;
  return `--- kcat stdout (${stdout.length} bytes) ---\n${tail(stdout.toString('utf8'))}\n--- kcat stderr ---\n${tail(stderr)}`;
}

/** Runs assertions; on failure appends kcat's output to the message, the one place it matters. */
export async function explainFailure<T>(
  kcat: Parameters<typeof describeOutput>[0],
  assertions: () => T | Promise<T>,
): Promise<T> {
  try {
    return await assertions();
  } catch (error) {
    if (error instanceof Error) error.message += `\n${describeOutput(kcat)}`;
    throw error;
  }
}

function tail(text: string, limit = 6000): string {
  return text.length <= limit ? text : `[… ${text.length - limit} characters before]\n${text.slice(-limit)}`;
}
