// --cpu-prof: the services and the broker load cpu-profiler.js, and the bench tells them by signal
// when to start and stop profiling, so each profile covers exactly one phase.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from '@switchboard/testing';
import { cpuProfileFile } from './cpu-profile';

export interface Profiler {
  start(): void;
  /** Resolves once every process has written its profile. */
  stop(): Promise<void>;
}

/** Environment for a process to profile: Node refuses --cpu-prof in NODE_OPTIONS, but not --require. */
export function profilingEnvironment(directory: string): Record<string, string> {
  const preload = join(__dirname, 'cpu-profiler.js');
  return {
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require "${preload}"`.trim(),
    BENCH_CPU_PROFILE_DIR: directory,
  };
}

/** Toggles the profiler in each process; the nth stop leaves profile n of each (see cpuProfileFile). */
export function signalProfiler(directory: string, pids: () => number[]): Profiler {
  let written = 0;
  return {
    start: () => pids().forEach((pid) => process.kill(pid, 'SIGUSR2')),
    stop: async () => {
      const profiled = pids();
      const sequence = ++written;
      profiled.forEach((pid) => process.kill(pid, 'SIGUSR2'));
      await waitFor(
        'every CPU profile to be written',
        () => profiled.every((pid) => existsSync(cpuProfileFile(directory, pid, sequence))),
        30_000,
        100,
      );
    },
  };
}
