// `npm run bench:footprint`: what the platform costs at rest. Starts `npm start` exactly as a user
// does (package.json's start command, a fresh temporary SWITCHBOARD_DATA_DIR, free ports for the
// embedded broker, PostgreSQL and sandboxes; the services' fixed ports 3000 and 3101-3108 must be
// free), times it until it prints "Switchboard is running", finds every process of it by walking
// the process tree, and after a settling time measures each one's CPU over an idle window and its
// resident memory. Then a summary against issue 11's targets (OK / MISS).
// Options (after `--`): --idle-seconds=N (default 60) the idle window; --settle-seconds=N (default
// 10) the wait after ready and after the saturation run; --saturation=N (default 0: skipped) sends
// N emails through POST /v1/messages/batch and waits until the SES emulator has them, then measures
// memory again; --cpu-prof[=directory] profiles the launcher and every service over a second idle
// window (--profile-seconds=N, default 30) right after the measured one, so the profiler's own cost
// stays out of the idle figures, and prints each one's top functions by self time;
// --processes=one|per-service (default one, npm start's own default) sets SWITCHBOARD_PROCESSES. PGlite's worker
// thread is not profiled (the profiler sees the launcher's main thread); its CPU shows per thread.
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CHANNEL_SENDER_SERVICES, PLATFORM_SERVICES, repoRoot } from '@switchboard/testing';
import { Cleanup } from './pipeline/cleanup';
import { cpuProfileFile, summariseCpuProfile } from './pipeline/cpu-profile';
import { CpuMeter, type CpuUsage, type LabelledProcess } from './pipeline/process-cpu';
import { profilingEnvironment, signalProfiler } from './pipeline/profiler';
import { launchPlatform, type LaunchedPlatform } from './footprint/launched-platform';
import {
  LAUNCHER_LABEL,
  SERVICES_HOST_LABEL,
  platformProcesses,
  proportionalBytes,
  residentBytes,
  threadCpuSeconds,
} from './footprint/process-tree';
import {
  describeProportionalMemory,
  memorySnapshot,
  renderLauncherThreads,
  renderProcesses,
  renderSummary,
  type FootprintFigures,
} from './footprint/report';
import { runSaturation } from './footprint/saturation';

const SERVICE_NAMES: ReadonlySet<string> = new Set(
  [...PLATFORM_SERVICES, ...CHANNEL_SENDER_SERVICES].map(({ name }) => name),
);
// A cold start compiles every service first; a warm one takes seconds.
const READY_TIMEOUT_MS = 300_000;

const cleanup = new Cleanup();

interface Arguments {
  idleSeconds: number;
  settleSeconds: number;
  saturation: number;
  profileSeconds: number;
  cpuProfileDirectory?: string;
  processes: 'one' | 'per-service';
}

function parseArguments(args: string[]): Arguments {
  const parsed: Arguments = {
    idleSeconds: 60,
    settleSeconds: 10,
    saturation: 0,
    profileSeconds: 30,
    processes: 'one',
  };
  const count = (arg: string, name: string, minimum: number): number => {
    const value = Number(arg.slice(`--${name}=`.length));
    if (!Number.isInteger(value) || value < minimum) {
      throw new Error(`--${name} must be a whole number of at least ${minimum}, got ${arg}`);
    }
    return value;
  };
  for (const arg of args) {
    if (arg === '--cpu-prof')
      parsed.cpuProfileDirectory = mkdtempSync(join(tmpdir(), 'footprint-bench-profile-'));
    else if (arg.startsWith('--cpu-prof=')) {
      parsed.cpuProfileDirectory = resolve(arg.slice('--cpu-prof='.length));
      // The profiled processes write into it and do not create it.
      mkdirSync(parsed.cpuProfileDirectory, { recursive: true });
    } else if (arg.startsWith('--idle-seconds=')) parsed.idleSeconds = count(arg, 'idle-seconds', 5);
    else if (arg.startsWith('--settle-seconds=')) parsed.settleSeconds = count(arg, 'settle-seconds', 0);
    else if (arg.startsWith('--saturation=')) parsed.saturation = count(arg, 'saturation', 0);
    else if (arg.startsWith('--profile-seconds=')) parsed.profileSeconds = count(arg, 'profile-seconds', 5);
    else if (arg === '--processes=one' || arg === '--processes=per-service')
      parsed.processes = arg.slice('--processes='.length) as Arguments['processes'];
    else {
      throw new Error(
        `unknown argument ${arg}; expected --idle-seconds=N, --settle-seconds=N, --saturation=N, ` +
          '--cpu-prof[=directory], --profile-seconds=N or --processes=one|per-service',
      );
    }
  }
  return parsed;
}

async function main(): Promise<void> {
  const args = parseArguments(process.argv.slice(2));
  console.log(
    `Footprint bench: npm start (SWITCHBOARD_PROCESSES=${args.processes}), ready, ${args.settleSeconds} s to settle, then CPU over ${args.idleSeconds} s idle` +
      (args.cpuProfileDirectory
        ? `; then ${args.profileSeconds} s idle under the CPU profiler (profiles in ${args.cpuProfileDirectory})`
        : '') +
      (args.saturation > 0 ? `; then ${args.saturation} emails through the batch API and memory again` : ''),
  );

  console.log('\nstarting npm start...');
  const platform = await launchPlatform({
    env: {
      SWITCHBOARD_PROCESSES: args.processes,
      ...(args.cpuProfileDirectory ? profilingEnvironment(args.cpuProfileDirectory) : {}),
    },
    readyTimeoutMs: READY_TIMEOUT_MS,
  });
  const stopPlatform = cleanup.add('stopping npm start', async () => {
    const { clean, killed } = await platform.stop();
    if (clean) console.log('npm start stopped cleanly');
    else console.error(`npm start did not stop cleanly; killed: ${killed.join(', ') || 'nothing left'}`);
  });
  console.log(`ready in ${platform.readySeconds.toFixed(1)} s: ${platform.apiUrl}`);
  const processes = () => platformProcesses(platform.pid);
  console.log(
    `processes: ${processes()
      .map(({ label, pid }) => `${label} (${pid})`)
      .join(', ')}`,
  );

  await settle(platform, args.settleSeconds);
  console.log(`idle: measuring CPU for ${args.idleSeconds} s...`);
  const idle = await measureIdle(platform, processes, args.idleSeconds);
  const atRest = processes();
  const figures: FootprintFigures = {
    readySeconds: platform.readySeconds,
    ...idle,
    atRest: memorySnapshot(atRest, residentBytes),
    proportionalAtRest: memorySnapshot(atRest, proportionalBytes),
  };

  let profiled: { usage: CpuUsage; processes: LabelledProcess[] } | undefined;
  if (args.cpuProfileDirectory) {
    console.log(`idle under the profiler: ${args.profileSeconds} s...`);
    profiled = await profileIdle(platform, processes, args.cpuProfileDirectory, args.profileSeconds);
  }

  if (args.saturation > 0) {
    console.log(`saturation: ${args.saturation} emails through POST /v1/messages/batch...`);
    const result = await runSaturation(platform, args.saturation);
    console.log(
      `saturation: ${result.arrived} of ${result.messages} at the SES emulator ${result.seconds.toFixed(1)} s after the first request`,
    );
    if (result.arrived < result.messages) throw new Error('not every email of the saturation run was sent');
    await settle(platform, args.settleSeconds);
    const afterSaturation = processes();
    figures.afterSaturation = {
      ...result,
      memory: memorySnapshot(afterSaturation, residentBytes),
      proportional: memorySnapshot(afterSaturation, proportionalBytes),
    };
  }

  console.log('\nCPU over the idle window and resident memory (RSS; shared pages count in each process):');
  console.log(renderProcesses(figures));
  console.log(describeProportionalMemory(figures));
  console.log(
    "\nThe launcher's CPU over the idle window by thread (PGlite runs in a worker thread; the others are " +
      "V8's and libuv's helpers):",
  );
  console.log(renderLauncherThreads(figures.launcherThreads, figures.idle.wallSeconds));
  console.log('\nSummary against issue 11:');
  console.log(renderSummary(figures, (label) => SERVICE_NAMES.has(label), SERVICE_NAMES.size));

  if (profiled && args.cpuProfileDirectory) {
    const wall = Math.max(profiled.usage.wallSeconds, 0.001);
    for (const { label, pid } of profiled.processes) {
      const seconds = profiled.usage.byLabel.get(label)?.seconds ?? 0;
      console.log(
        `\n${label}, idle under the profiler: ${((100 * seconds) / wall).toFixed(1)}% of a core (profiler included), from its CPU profile:`,
      );
      console.log(summariseCpuProfile(cpuProfileFile(args.cpuProfileDirectory, pid, 1), repoRoot(), 12));
    }
  }

  console.log('\nstopping npm start (Ctrl+C, as a user would)...');
  await stopPlatform();
}

async function measureIdle(
  platform: LaunchedPlatform,
  processes: () => LabelledProcess[],
  seconds: number,
): Promise<{ idle: CpuUsage; launcherThreads: FootprintFigures['launcherThreads'] }> {
  const meter = new CpuMeter(async () => processes());
  const threadsBefore = threadCpuSeconds(platform.pid);
  const from = await meter.mark();
  meter.start();
  await waitSeconds(platform, seconds);
  meter.stop();
  const idle = meter.usage(from, await meter.mark());
  const byThread = new Map<number, number>();
  for (const [thread, after] of threadCpuSeconds(platform.pid)) {
    byThread.set(thread, after - (threadsBefore.get(thread) ?? 0));
  }
  return { idle, launcherThreads: { mainThreadId: platform.pid, seconds: byThread } };
}

/** A second idle window with the launcher and the services profiled; only they load cpu-profiler.js. */
async function profileIdle(
  platform: LaunchedPlatform,
  processes: () => LabelledProcess[],
  directory: string,
  seconds: number,
): Promise<{ usage: CpuUsage; processes: LabelledProcess[] }> {
  const profiledProcesses = processes().filter(
    ({ label }) => label === LAUNCHER_LABEL || label === SERVICES_HOST_LABEL || SERVICE_NAMES.has(label),
  );
  const profiler = signalProfiler(directory, () => profiledProcesses.map(({ pid }) => pid));
  const meter = new CpuMeter(async () => profiledProcesses);
  profiler.start();
  const from = await meter.mark();
  await waitSeconds(platform, seconds);
  const usage = meter.usage(from, await meter.mark());
  await profiler.stop();
  return { usage, processes: profiledProcesses };
}

async function settle(platform: LaunchedPlatform, seconds: number): Promise<void> {
  if (seconds === 0) return;
  console.log(`settling for ${seconds} s...`);
  await waitSeconds(platform, seconds);
}

// The windows are the measurement itself, so they are timed; the launcher is checked each second.
async function waitSeconds(platform: LaunchedPlatform, seconds: number): Promise<void> {
  const until = performance.now() + seconds * 1000;
  while (performance.now() < until) {
    platform.assertRunning();
    await new Promise((resolve) => setTimeout(resolve, Math.min(1000, until - performance.now())));
  }
  platform.assertRunning();
}

let interrupted = false;
for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const) {
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    console.error(`\n${signal}: stopping npm start`);
    void cleanup.runAll().finally(() => process.exit(code));
  });
}

main().then(
  async () => {
    await cleanup.runAll();
    process.exit(0);
  },
  async (error: unknown) => {
    if (interrupted) return;
    console.error('\nfootprint bench failed:', error);
    await cleanup.runAll();
    process.exit(1);
  },
);
