// Every process of a running platform, found by walking the process tree down from the launcher,
// each labelled by what it runs: `apps/<name>/src/main.js` (its build output) is that service,
// `tools/services-host/main.js` every service in one process (npm start's default), the
// process npm start spawned (or tools/start) the launcher (which hosts the embedded broker, PGlite, the
// SES and SNS emulators and the push service).
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import type { LabelledProcess } from '../pipeline/process-cpu';

const CLOCK_TICKS_PER_SECOND = clockTicksPerSecond();

export const LAUNCHER_LABEL = 'launcher (broker, PGlite, emulators)';
export const SERVICES_HOST_LABEL = 'services (all, one process)';

/** The launcher and every descendant still running, labelled; a label seen twice gets its pid. */
export function platformProcesses(rootPid: number): LabelledProcess[] {
  const found: LabelledProcess[] = [];
  const seen = new Set<string>();
  const visit = (pid: number) => {
    const command = commandLine(pid);
    if (command === undefined) return;
    let label = labelOf(pid, rootPid, command);
    if (seen.has(label)) label = `${label} (${pid})`;
    seen.add(label);
    found.push({ label, pid });
    for (const child of childrenOf(pid)) visit(child);
  };
  visit(rootPid);
  return found;
}

/** Resident memory of a process in bytes, or undefined once it has gone. */
export function residentBytes(pid: number): number | undefined {
  try {
    const line = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return line ? Number(line[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the process still runs (a zombie waiting for its parent counts as gone). */
export function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/**
 * CPU seconds of each thread of a process, by thread id. Node names every thread "node" in this
 * version, so the main thread (id = pid: the launcher's broker and emulators) is told apart by id.
 */
export function threadCpuSeconds(pid: number): Map<number, number> {
  const byThread = new Map<number, number>();
  let threads: string[];
  try {
    threads = readdirSync(`/proc/${pid}/task`);
  } catch {
    return byThread;
  }
  for (const thread of threads) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${thread}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      byThread.set(Number(thread), (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND);
    } catch {
      // The thread ended between listing and reading.
    }
  }
  return byThread;
}

/** Proportional set size in bytes: shared pages split between the processes sharing them. */
export function proportionalBytes(pid: number): number | undefined {
  try {
    const line = /^Pss:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return line ? Number(line[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

function labelOf(pid: number, rootPid: number, command: string[]): string {
  const joined = command.join(' ');
  const service = /apps\/([^/\s]+)\/src\/main\.[jt]s/.exec(joined);
  if (service) return service[1];
  if (/tools\/services-host\/main\.[jt]s/.test(joined)) return SERVICES_HOST_LABEL;
  if (pid === rootPid || /tools\/start\.[jt]s/.test(joined)) return LAUNCHER_LABEL;
  const executable = command[0]?.split('/').pop() ?? 'process';
  return `${executable} ${command.slice(1).join(' ')}`.trim().slice(0, 60);
}

function commandLine(pid: number): string[] | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return undefined;
  }
}

// Children are listed per thread: a process started from a worker thread is a child of that thread.
function childrenOf(pid: number): number[] {
  const children: number[] = [];
  let threads: string[];
  try {
    threads = readdirSync(`/proc/${pid}/task`);
  } catch {
    return children;
  }
  for (const thread of threads) {
    try {
      const listed = readFileSync(`/proc/${pid}/task/${thread}/children`, 'utf8').trim();
      if (listed) children.push(...listed.split(/\s+/).map(Number));
    } catch {
      // The thread ended between listing and reading.
    }
  }
  return children;
}

function clockTicksPerSecond(): number {
  try {
    const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isFinite(ticks) && ticks > 0 ? ticks : 100;
  } catch {
    return 100;
  }
}
