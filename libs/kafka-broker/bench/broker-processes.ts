// The two brokers under test, each in a process of its own so that its memory can be read
// from /proc and its CPU does not compete with the clients' event loop.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Admin } from 'kafkajs';

const WORKSPACE_ROOT = resolve(__dirname, '../../..');
const BROKER_CLI = join(WORKSPACE_ROOT, 'libs/kafka-broker/src/cli.ts');
const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;

export interface ProcessMemory {
  /** Resident set size now, in bytes. */
  rssBytes: number;
  /** Peak resident set size so far (VmHWM), in bytes. */
  peakRssBytes: number;
}

export interface BrokerUnderTest {
  /** As printed in the report. */
  name: string;
  /** "host:port" for a client's broker list. */
  address: string;
  pid: number;
  /** Makes a topic with this many partitions and answers how many it really has. */
  createTopic(admin: Admin, topic: string, partitions: number): Promise<number>;
  memory(): ProcessMemory;
  /** CPU time (user + system) the process has used so far, in seconds. */
  cpuSeconds(): number;
  /** Stops the process and removes what it left on disk; safe to call twice. */
  stop(): Promise<void>;
}

/** Everything started here, stopped on normal exit, on errors and on Ctrl-C. */
const running = new Set<BrokerUnderTest>();
const leftovers = new Set<{ child: ChildProcess; directory?: string }>();

export async function stopAllBrokers(): Promise<void> {
  const brokers = [...running];
  running.clear();
  await Promise.allSettled(brokers.map((broker) => broker.stop()));
}

// Last resort when the process exits without awaiting stopAllBrokers (uncaught error, second Ctrl-C).
process.on('exit', () => {
  for (const { child, directory } of leftovers) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    if (directory) rmSync(directory, { recursive: true, force: true });
  }
});

export interface EmbeddedBrokerOptions {
  /** Write a V8 CPU profile of the broker into this directory when it stops. */
  cpuProfileDirectory?: string;
}

/** `npm run broker` on a free port, a fresh data directory and the default fsync policy (interval). */
export async function startEmbeddedBroker(options: EmbeddedBrokerOptions = {}): Promise<BrokerUnderTest> {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-broker-bench-'));
  // node --import tsx rather than the tsx command, which would run the broker in a grandchild
  // process whose memory we could not read through this pid.
  // One profile per thread: tsx's module loader hooks run in a worker of their own.
  const profiling = options.cpuProfileDirectory
    ? ['--cpu-prof', '--cpu-prof-dir', options.cpuProfileDirectory]
    : [];
  const child = spawn(process.execPath, [...profiling, '--import', 'tsx', BROKER_CLI], {
    cwd: WORKSPACE_ROOT,
    env: {
      ...process.env,
      BROKER_HOST: '127.0.0.1',
      BROKER_PORT: '0',
      BROKER_DATA_DIR: dataDir,
      BROKER_FSYNC: 'interval',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const leftover = { child, directory: dataDir };
  leftovers.add(leftover);
  const output = new OutputTail(child);
  try {
    const ready = await output.waitForLine(/Kafka-compatible broker ready at (\S+)/, READY_TIMEOUT_MS);
    const pid = pidOf(child);
    return track({
      name: 'embedded broker',
      address: ready[1],
      pid,
      createTopic: async (admin, topic, partitions) => {
        await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });
        return partitionCount(admin, topic);
      },
      memory: () => readMemory(pid),
      cpuSeconds: () => readCpuSeconds(pid),
      stop: once(async () => {
        // SIGTERM lets the broker flush its log and, when profiling, write the CPU profile.
        await terminate(child, () => child.kill('SIGTERM'));
        rmSync(dataDir, { recursive: true, force: true });
        leftovers.delete(leftover);
      }),
    });
  } catch (error) {
    child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
    leftovers.delete(leftover);
    throw error;
  }
}

/**
 * librdkafka's in-process mock cluster, hosted by a kcat producer that waits on its stdin:
 * the process lives until stdin closes. Its memory includes kcat's own idle librdkafka client.
 */
export async function startMockCluster(): Promise<BrokerUnderTest> {
  const child = spawn(
    'kcat',
    ['-b', 'dummy:9092', '-X', 'test.mock.num.brokers=1', '-P', '-t', 'mock-cluster-keepalive'],
    { stdio: ['pipe', 'ignore', 'pipe'] },
  );
  const leftover = { child };
  leftovers.add(leftover);
  const output = new OutputTail(child);
  try {
    const ready = await output.waitForLine(/replaced with (\S+)/, READY_TIMEOUT_MS);
    const pid = pidOf(child);
    return track({
      name: 'librdkafka mock cluster',
      address: ready[1],
      pid,
      // The mock has no CreateTopics: a Metadata request allowing auto-creation makes the
      // topic, with the mock's default partition count (4 in librdkafka 2.0.2).
      createTopic: async (admin, topic) => {
        await admin.fetchTopicMetadata({ topics: [topic] });
        return partitionCount(admin, topic);
      },
      memory: () => readMemory(pid),
      cpuSeconds: () => readCpuSeconds(pid),
      stop: once(async () => {
        await terminate(child, () => child.stdin?.end());
        leftovers.delete(leftover);
      }),
    });
  } catch (error) {
    child.kill('SIGKILL');
    leftovers.delete(leftover);
    throw error;
  }
}

function pidOf(child: ChildProcess): number {
  if (child.pid === undefined) throw new Error(`${child.spawnfile} did not start`);
  return child.pid;
}

function track(broker: BrokerUnderTest): BrokerUnderTest {
  running.add(broker);
  return broker;
}

async function partitionCount(admin: Admin, topic: string): Promise<number> {
  const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
  return topics[0].partitions.length;
}

function readMemory(pid: number): ProcessMemory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kilobytes = (field: string): number => {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    if (!match) throw new Error(`no ${field} in /proc/${pid}/status`);
    return Number(match[1]) * 1024;
  };
  return { rssBytes: kilobytes('VmRSS'), peakRssBytes: kilobytes('VmHWM') };
}

// USER_HZ, the unit of /proc/<pid>/stat times: 100 on every architecture Linux exposes to user space.
const CLOCK_TICKS_PER_SECOND = 100;

function readCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesised command name, which may itself contain spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const userTicks = Number(fields[11]);
  const systemTicks = Number(fields[12]);
  return (userTicks + systemTicks) / CLOCK_TICKS_PER_SECOND;
}

/** Asks the process to stop, then kills it if it has not exited by the deadline. */
async function terminate(child: ChildProcess, askToStop: () => void): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  askToStop();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'late'>(
    (resolve) => (timer = setTimeout(() => resolve('late'), STOP_TIMEOUT_MS)),
  );
  if ((await Promise.race([exited, deadline])) === 'late') {
    console.error(`pid ${child.pid} did not stop within ${STOP_TIMEOUT_MS} ms; killing it`);
    child.kill('SIGKILL');
    await exited;
  }
  clearTimeout(timer);
}

function once(action: () => Promise<void>): () => Promise<void> {
  let result: Promise<void> | undefined;
  return () => (result ??= action());
}

/** Keeps reading a child's output (so that a full pipe never blocks it) and remembers the last lines. */
class OutputTail {
  private readonly lines: string[] = [];
  private readonly listeners = new Set<(line: string) => void>();
  private exitDescription: string | undefined;

  constructor(private readonly child: ChildProcess) {
    for (const stream of [child.stdout, child.stderr]) {
      if (!stream) continue;
      createInterface({ input: stream }).on('line', (line) => {
        this.lines.push(line);
        if (this.lines.length > 40) this.lines.shift();
        for (const listener of this.listeners) listener(line);
      });
    }
    child.once(
      'exit',
      (code, signal) => (this.exitDescription = signal ? `signal ${signal}` : `code ${code}`),
    );
    child.once('error', (error) => (this.exitDescription = error.message));
  }

  waitForLine(pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
    return new Promise((resolve, reject) => {
      const finish = (outcome: () => void) => {
        clearTimeout(timer);
        this.listeners.delete(onLine);
        this.child.off('close', onEnd);
        this.child.off('error', onEnd);
        outcome();
      };
      const fail = (why: string) =>
        finish(() =>
          reject(new Error(`${why} waiting for ${pattern}; last output:\n${this.lines.join('\n')}`)),
        );
      const onLine = (line: string) => {
        const match = pattern.exec(line);
        if (match) finish(() => resolve(match));
      };
      // 'close' comes after the output streams ended, so every line has been seen by then.
      const onEnd = () => fail(`process ended (${this.exitDescription})`);
      const timer = setTimeout(() => fail(`no line within ${timeoutMs} ms`), timeoutMs);
      this.listeners.add(onLine);
      this.child.once('close', onEnd);
      this.child.once('error', onEnd);
    });
  }
}
