// CPU seconds per process from /proc, sampled while the bench runs, so a phase can say which
// process (a service, the broker, PostgreSQL working for a service) used the machine's cores.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import type { Client } from 'pg';

const CLOCK_TICKS_PER_SECOND = clockTicksPerSecond();

/** A process and the name its CPU is counted under; several processes may share a label. */
export interface LabelledProcess {
  label: string;
  pid: number;
}

interface CpuSample {
  /** performance.now() when the sample was taken. */
  atMs: number;
  machine: { busySeconds: number; allSeconds: number };
  processes: Map<number, { label: string; seconds: number }>;
}

export interface LabelUsage {
  seconds: number;
  /** Highest share of one core over one sampling interval, e.g. 0.95. */
  peakCores: number;
}

export interface CpuUsage {
  wallSeconds: number;
  /** Cores the machine has. */
  cores: number;
  /** CPU seconds every process on the machine used together. */
  machineBusySeconds: number;
  byLabel: Map<string, LabelUsage>;
}

/** Samples the labelled processes every interval and on demand; usage() compares two samples. */
export class CpuMeter {
  private readonly samples: CpuSample[] = [];
  private timer: NodeJS.Timeout | undefined;
  private sampling: Promise<void> = Promise.resolve();

  constructor(
    private readonly listProcesses: () => Promise<LabelledProcess[]>,
    private readonly intervalMs = 1000,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => void this.sample().catch(() => undefined), this.intervalMs);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Takes a sample now and returns its position, for usage(). */
  async mark(): Promise<number> {
    await this.sample();
    return this.samples.length - 1;
  }

  usage(from: number, to: number): CpuUsage {
    const first = this.samples[from];
    const last = this.samples[to];
    const byLabel = new Map<string, LabelUsage>();
    for (const [label, seconds] of secondsByLabel(first, last)) byLabel.set(label, { seconds, peakCores: 0 });
    for (let index = from + 1; index <= to; index += 1) {
      const before = this.samples[index - 1];
      const after = this.samples[index];
      const intervalSeconds = (after.atMs - before.atMs) / 1000;
      if (intervalSeconds <= 0) continue;
      for (const [label, seconds] of secondsByLabel(before, after)) {
        const usage = byLabel.get(label);
        if (usage) usage.peakCores = Math.max(usage.peakCores, seconds / intervalSeconds);
      }
    }
    const wallSeconds = (last.atMs - first.atMs) / 1000;
    const machineAllSeconds = last.machine.allSeconds - first.machine.allSeconds;
    return {
      wallSeconds,
      cores: machineAllSeconds > 0 && wallSeconds > 0 ? Math.round(machineAllSeconds / wallSeconds) : 0,
      machineBusySeconds: last.machine.busySeconds - first.machine.busySeconds,
      byLabel,
    };
  }

  /** Sum of the labelled processes' CPU over the last interval, in cores. */
  async recentCores(labels: (label: string) => boolean): Promise<number> {
    const position = await this.mark();
    if (position === 0) return Number.POSITIVE_INFINITY;
    const before = this.samples[position - 1];
    const after = this.samples[position];
    const intervalSeconds = (after.atMs - before.atMs) / 1000;
    let seconds = 0;
    for (const [label, used] of secondsByLabel(before, after)) if (labels(label)) seconds += used;
    return intervalSeconds > 0 ? seconds / intervalSeconds : Number.POSITIVE_INFINITY;
  }

  // One sample at a time: the interval timer and mark() must not interleave their reads.
  private sample(): Promise<void> {
    this.sampling = this.sampling.then(async () => {
      const listed = await this.listProcesses();
      const processes = new Map<number, { label: string; seconds: number }>();
      for (const { label, pid } of listed) {
        const seconds = processCpuSeconds(pid);
        if (seconds !== undefined) processes.set(pid, { label, seconds });
      }
      this.samples.push({ atMs: performance.now(), machine: machineCpuSeconds(), processes });
    });
    return this.sampling;
  }
}

/** CPU used per label between two samples; a process that started in between counts from zero. */
function secondsByLabel(before: CpuSample, after: CpuSample): Map<string, number> {
  const totals = new Map<string, number>();
  for (const [pid, { label, seconds }] of after.processes) {
    const earlier = before.processes.get(pid)?.seconds ?? 0;
    totals.set(label, (totals.get(label) ?? 0) + Math.max(0, seconds - earlier));
  }
  return totals;
}

/** utime + stime of a process (not its children), or undefined once it has gone. */
export function processCpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses; the fields after its closing one do not.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state); utime and stime are fields 14 and 15.
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

function machineCpuSeconds(): { busySeconds: number; allSeconds: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const busy = user + nice + system + irq + softirq + (steal ?? 0);
  return {
    busySeconds: busy / CLOCK_TICKS_PER_SECOND,
    allSeconds: (busy + idle + iowait) / CLOCK_TICKS_PER_SECOND,
  };
}

/**
 * Every PostgreSQL server process on this machine, labelled by whom it works for: a backend of
 * `databaseName` by its connection's application_name (our data sources set `switchboard-<schema>`),
 * anything else (other databases, the server's own writers) as `PostgreSQL, rest`.
 */
export async function postgresProcesses(
  client: Client,
  databaseName: string,
  labelOfApplication: (applicationName: string) => string | undefined,
): Promise<LabelledProcess[]> {
  const { rows } = await client.query<{ pid: number; application_name: string }>(
    'SELECT pid, application_name FROM pg_stat_activity WHERE datname = $1',
    [databaseName],
  );
  const backends = new Map(rows.map((row) => [row.pid, labelOfApplication(row.application_name)]));
  return processesNamed('postgres').map((pid) => ({
    pid,
    label: backends.get(pid) ?? 'PostgreSQL, rest',
  }));
}

function processesNamed(command: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === command) pids.push(Number(entry));
    } catch {
      // Gone between listing and reading.
    }
  }
  return pids;
}

function clockTicksPerSecond(): number {
  try {
    const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isFinite(ticks) && ticks > 0 ? ticks : 100;
  } catch {
    return 100;
  }
}
