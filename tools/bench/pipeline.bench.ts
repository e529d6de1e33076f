// `npm run bench:pipeline`: messages through the public batch API until the providers have each
// one. Four runs: email with every service its own process over our broker (email), the same
// stages in this one process without Kafka or HTTP between them (inprocess), then the platform with
// every channel sender: messages spread over email, SMS, push and in-app (mixed), and SMS while
// the SNS emulator fails 30% of calls (failing). A summary of throughput and latency against the
// targets, with the CPU each process used, follows the email runs; the channel runs print their own.
// The distributed email run also prints, per phase, the Kafka requests per message each service
// made, by API, from the broker's own counts.
// Options (after `--`): --runs=email,inprocess,mixed,failing picks runs (default: all);
// --cpu-prof[=directory] profiles the services and the broker during the email run's phases and
// prints where each one's CPU went (profiling slows them down); --saturation=N sends N messages in
// the email saturation phases instead of the standard 10,000, --mixed=N and --failing=N as many in
// the mixed run's saturation phase (4,000) and the failing run (2,000): quicker runs, for checking
// the bench or comparing CPU per message; throughput figures need the standard counts. --hops
// splits the email run's latency hop by hop, from the records of every topic on the way (the bench
// reads them all, which costs it some CPU).
import 'reflect-metadata';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  CHANNEL_SENDER_SERVICES,
  connectToSesEmulator,
  createTestDatabase,
  PLATFORM_SERVICES,
  repoRoot,
  type SesMailbox,
} from '@switchboard/testing';
import { Client } from 'pg';
import {
  describeChannelRuns,
  printFailingProvider,
  printLostTotals,
  printMixedChannels,
} from './pipeline/channel-report';
import { ChannelRuns, type FailingFigures, type MixedFigures } from './pipeline/channel-runs';
import { ChannelSandboxes } from './pipeline/channel-sandboxes';
import { Cleanup } from './pipeline/cleanup';
import {
  DistributedPipeline,
  startInfrastructureProcess,
  type InfrastructureProcess,
} from './pipeline/distributed-pipeline';
import { IN_PROCESS_SCHEMA, InProcessPipeline, SEND_CONCURRENCY } from './pipeline/in-process-pipeline';
import { measurePipeline, type PipelineFigures } from './pipeline/measure';
import { CpuMeter, postgresProcesses, type LabelledProcess } from './pipeline/process-cpu';
import { profilingEnvironment, signalProfiler } from './pipeline/profiler';
import { describeWorkload, printCpu, printResults } from './pipeline/summary';
import { BENCH_PROCESS, CHANNEL_SENDER_ENV, MIXED_CHANNELS, WORKLOAD } from './pipeline/workload';

const DISTRIBUTED_PIPELINE = [...PLATFORM_SERVICES.map(({ name }) => name), 'broker'];
const CHANNELS_PIPELINE = [
  ...[...PLATFORM_SERVICES, ...CHANNEL_SENDER_SERVICES].map(({ name }) => name),
  'broker',
];
const RUNS = ['email', 'inprocess', 'mixed', 'failing'] as const;
type Run = (typeof RUNS)[number];

const cleanup = new Cleanup();

interface Arguments {
  runs: ReadonlySet<Run>;
  cpuProfileDirectory?: string;
  hops: boolean;
}

function parseArguments(args: string[]): Arguments {
  let runs: ReadonlySet<Run> = new Set(RUNS);
  let cpuProfileDirectory: string | undefined;
  let hops = false;
  const count = (arg: string, name: string, minimum: number): number => {
    const value = Number(arg.slice(`--${name}=`.length));
    if (!Number.isInteger(value) || value < minimum) {
      throw new Error(`--${name} must be a whole number of at least ${minimum}, got ${arg}`);
    }
    return value;
  };
  for (const arg of args) {
    if (arg === '--cpu-prof') {
      cpuProfileDirectory = mkdtempSync(join(tmpdir(), 'pipeline-bench-profile-'));
    } else if (arg.startsWith('--cpu-prof=')) {
      cpuProfileDirectory = resolve(arg.slice('--cpu-prof='.length));
      // The services write their profiles there and cannot make it themselves.
      mkdirSync(cpuProfileDirectory, { recursive: true });
    } else if (arg === '--hops') {
      hops = true;
    } else if (arg.startsWith('--runs=')) {
      const names = arg
        .slice('--runs='.length)
        .split(',')
        .map((name) => name.trim());
      const unknown = names.filter((name) => !(RUNS as readonly string[]).includes(name));
      if (unknown.length > 0 || names.length === 0) {
        throw new Error(
          `--runs: unknown run ${unknown.join(', ') || '(none)'}; expected some of ${RUNS.join(',')}`,
        );
      }
      runs = new Set(names as Run[]);
    } else if (arg.startsWith('--saturation=')) {
      WORKLOAD.saturation.messages = count(arg, 'saturation', WORKLOAD.saturation.batchSize);
    } else if (arg.startsWith('--mixed=')) {
      WORKLOAD.mixed.saturation.messages = count(arg, 'mixed', MIXED_CHANNELS.length);
    } else if (arg.startsWith('--failing=')) {
      WORKLOAD.failing.messages = count(arg, 'failing', 1);
    } else {
      throw new Error(
        `unknown argument ${arg}; expected --runs=${RUNS.join(',')}, --cpu-prof[=directory], --hops, ` +
          '--saturation=N, --mixed=N or --failing=N',
      );
    }
  }
  if (cpuProfileDirectory !== undefined && !runs.has('email')) {
    throw new Error('--cpu-prof profiles the email run: add email to --runs');
  }
  if (hops && !runs.has('email')) throw new Error('--hops splits the email run: add email to --runs');
  return { runs, hops, ...(cpuProfileDirectory === undefined ? {} : { cpuProfileDirectory }) };
}

async function main(): Promise<void> {
  const args = parseArguments(process.argv.slice(2));
  const { runs } = args;
  const channelRuns = { mixed: runs.has('mixed'), failing: runs.has('failing') };
  console.log(`Pipeline bench, runs: ${RUNS.filter((run) => runs.has(run)).join(', ')}`);
  if (runs.has('email') || runs.has('inprocess')) {
    console.log(describeWorkload({ schema: IN_PROCESS_SCHEMA, sendConcurrency: SEND_CONCURRENCY }));
  }
  if (channelRuns.mixed || channelRuns.failing) console.log(describeChannelRuns(channelRuns));
  if (args.cpuProfileDirectory) {
    console.log(
      `  --cpu-prof: the services and the broker write CPU profiles to ${args.cpuProfileDirectory}`,
    );
  }

  const database = await createTestDatabase('sb_bench');
  cleanup.add(`dropping database ${database.name}`, () => database.drop());
  const monitor = new Client({ connectionString: database.url, application_name: 'pipeline-bench-monitor' });
  await monitor.connect();
  cleanup.add('closing the monitoring connection', () => monitor.end());
  console.log(`\n${await describeDatabase(monitor, database.url, database.name)}`);

  const emulator = await startInfrastructureProcess('ses-emulator');
  cleanup.add('stopping the SES emulator', () => emulator.stop());
  const bench: BenchContext = {
    databaseUrl: database.url,
    emulator,
    mailbox: connectToSesEmulator(emulator.address),
    postgres: () => postgresProcesses(monitor, database.name, postgresLabel),
  };

  const lost: Array<{ run: string; count: number }> = [];
  let distributed:
    { figures: PipelineFigures; serviceLineCount: number; processes: LabelledProcess[] } | undefined;
  if (runs.has('email')) {
    distributed = await runDistributedEmail(bench, args);
    lost.push({
      run: 'email (distributed), missing at the SES emulator',
      count: distributed.figures.missing,
    });
  }
  let inProcess: PipelineFigures | undefined;
  if (runs.has('inprocess')) {
    inProcess = await runInProcess(bench);
    lost.push({ run: 'email (in-process), missing at the SES emulator', count: inProcess.missing });
  }
  if (distributed || inProcess) {
    printResults(distributed?.figures, inProcess, {
      serviceLineCount: distributed?.serviceLineCount ?? 0,
      benchProcess: BENCH_PROCESS,
      ...(args.cpuProfileDirectory && distributed
        ? {
            profiles: {
              directory: args.cpuProfileDirectory,
              processes: distributed.processes,
              workspaceRoot: repoRoot(),
            },
          }
        : {}),
    });
  }
  if (channelRuns.mixed || channelRuns.failing) {
    const { mixed, failing } = await runChannels(bench, channelRuns);
    if (mixed) {
      lost.push({
        run: 'mixed channels',
        count: mixed.saturation.all.lost.length + mixed.steady.all.lost.length,
      });
    }
    if (failing) lost.push({ run: 'failing provider', count: failing.phase.all.lost.length });
  }

  printLostTotals(lost);
}

/** What every run shares: the database, the SES emulator and PostgreSQL's processes for the CPU meters. */
interface BenchContext {
  databaseUrl: string;
  emulator: InfrastructureProcess;
  mailbox: SesMailbox;
  postgres: () => Promise<LabelledProcess[]>;
}

async function runDistributedEmail(
  bench: BenchContext,
  { cpuProfileDirectory, hops }: Pick<Arguments, 'cpuProfileDirectory' | 'hops'>,
): Promise<{ figures: PipelineFigures; serviceLineCount: number; processes: LabelledProcess[] }> {
  console.log('\n[distributed] starting the broker and the six services...');
  const distributed = await DistributedPipeline.start({
    databaseUrl: bench.databaseUrl,
    sesEndpoint: bench.emulator.address,
    brokerDataDir: brokerDataDirectory(),
    processEnv: cpuProfileDirectory ? profilingEnvironment(cpuProfileDirectory) : {},
    hops,
  });
  const stopDistributed = cleanup.add('stopping the services and the broker', () => distributed.stop());
  const meter = new CpuMeter(async () => [
    ...distributed.processes(),
    { label: 'SES emulator', pid: bench.emulator.pid },
    { label: BENCH_PROCESS.distributed, pid: process.pid },
    ...(await bench.postgres()),
  ]);
  meter.start();
  let figures: PipelineFigures;
  try {
    figures = await measurePipeline(distributed, bench.mailbox, {
      meter,
      pipelineLabels: DISTRIBUTED_PIPELINE,
      profiler:
        cpuProfileDirectory === undefined
          ? undefined
          : signalProfiler(cpuProfileDirectory, () => distributed.processes().map(({ pid }) => pid)),
    });
  } catch (error) {
    printLastServiceLines(distributed);
    throw error;
  } finally {
    meter.stop();
  }
  const serviceLineCount = distributed.serviceLines.length;
  const processes = distributed.processes();
  await stopDistributed();
  return { figures, serviceLineCount, processes };
}

async function runInProcess(bench: BenchContext): Promise<PipelineFigures> {
  console.log('\n[in-process] starting...');
  const inProcess = await InProcessPipeline.start({
    databaseUrl: bench.databaseUrl,
    sesEndpoint: bench.emulator.address,
  });
  const stopInProcess = cleanup.add('stopping the in-process pipeline', () => inProcess.stop());
  const meter = new CpuMeter(async () => [
    { label: BENCH_PROCESS.inProcess, pid: process.pid },
    { label: 'SES emulator', pid: bench.emulator.pid },
    ...(await bench.postgres()),
  ]);
  meter.start();
  try {
    return await measurePipeline(inProcess, bench.mailbox, {
      meter,
      pipelineLabels: [BENCH_PROCESS.inProcess],
    });
  } finally {
    meter.stop();
    await stopInProcess();
  }
}

/** The mixed-channel and failing-provider runs, on one platform with every channel sender. */
async function runChannels(
  bench: BenchContext,
  selected: { mixed: boolean; failing: boolean },
): Promise<{ mixed?: MixedFigures; failing?: FailingFigures }> {
  console.log(
    '\n[channels] starting the SNS emulator, the push service, the broker and the nine services...',
  );
  const sandboxes = await ChannelSandboxes.start(bench.mailbox);
  cleanup.add('stopping the SNS emulator and the push service', () => sandboxes.stop());
  const pipeline = await DistributedPipeline.start({
    name: 'channels',
    databaseUrl: bench.databaseUrl,
    sesEndpoint: bench.emulator.address,
    brokerDataDir: brokerDataDirectory(),
    channels: sandboxes.channelSettings(),
    serviceEnv: CHANNEL_SENDER_ENV,
  });
  const stopPipeline = cleanup.add('stopping the channel services and their broker', () => pipeline.stop());
  const meter = new CpuMeter(async () => [
    ...pipeline.processes(),
    { label: 'SES emulator', pid: bench.emulator.pid },
    ...sandboxes.processes(),
    { label: BENCH_PROCESS.channels, pid: process.pid },
    ...(await bench.postgres()),
  ]);
  meter.start();
  const runs = new ChannelRuns(pipeline, sandboxes, meter, { mixed: selected.mixed });
  const figures: { mixed?: MixedFigures; failing?: FailingFigures } = {};
  try {
    await runs.warmUp();
    if (selected.mixed) {
      figures.mixed = await runs.mixedChannels();
      printMixedChannels(figures.mixed);
      const order = [
        ...CHANNELS_PIPELINE,
        'SES emulator',
        ...sandboxes.processes().map(({ label }) => label),
        BENCH_PROCESS.channels,
      ];
      printCpu('channels', 'the mixed saturation phase', figures.mixed.saturation.all.result.cpu, order, {
        name: 'the pipeline: services, broker, their backends',
        labels: CHANNELS_PIPELINE,
        messages: figures.mixed.saturation.all.result.messages,
        saturated: true,
      });
    }
    if (selected.failing) {
      figures.failing = await runs.failingProvider();
      printFailingProvider(figures.failing);
    }
  } catch (error) {
    printLastServiceLines(pipeline);
    throw error;
  } finally {
    meter.stop();
  }
  console.log(
    `\nThe services wrote ${pipeline.serviceLines.length} lines of output during the channel runs (LOG_LEVEL=warn).`,
  );
  await stopPipeline();
  return figures;
}

/** A fresh directory for a broker's log segments, made here so that it goes even if the broker is killed. */
function brokerDataDirectory(): string {
  const directory = mkdtempSync(join(tmpdir(), 'pipeline-bench-broker-'));
  cleanup.add("removing a broker's data", () => rm(directory, { recursive: true, force: true }));
  return directory;
}

function printLastServiceLines(pipeline: DistributedPipeline): void {
  if (pipeline.serviceLines.length > 0) {
    console.error(`\nlast service log lines:\n  ${pipeline.serviceLines.slice(-30).join('\n  ')}`);
  }
}

/** PostgreSQL backends by their connection's application name (data sources set switchboard-<schema>). */
function postgresLabel(applicationName: string): string | undefined {
  const prefix = 'switchboard-';
  if (!applicationName.startsWith(prefix)) return undefined;
  const schema = applicationName.slice(prefix.length);
  if (schema === IN_PROCESS_SCHEMA) return `PostgreSQL for ${BENCH_PROCESS.inProcess}`;
  const service = [...PLATFORM_SERVICES, ...CHANNEL_SENDER_SERVICES].find(
    ({ name }) => name.replace(/-/g, '_') === schema,
  );
  return service ? `PostgreSQL for ${service.name}` : undefined;
}

async function describeDatabase(client: Client, url: string, name: string): Promise<string> {
  const { rows } = await client.query<{ version: string; synchronous_commit: string; fsync: string }>(
    `SELECT current_setting('server_version') AS version,
            current_setting('synchronous_commit') AS synchronous_commit,
            current_setting('fsync') AS fsync`,
  );
  const [settings] = rows;
  return (
    `Database: PostgreSQL ${settings.version} at ${new URL(url).host}, fresh database ${name} ` +
    `(dropped at the end; synchronous_commit ${settings.synchronous_commit}, fsync ${settings.fsync})`
  );
}

let interrupted = false;
for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const) {
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    console.error(`\n${signal}: stopping everything the bench started`);
    void cleanup.runAll().finally(() => process.exit(code));
  });
}

main().then(
  async () => {
    await cleanup.runAll();
    process.exit(0);
  },
  async (error: unknown) => {
    // After a signal the run fails because its parts are being stopped: nothing to report.
    if (interrupted) return;
    console.error('\npipeline bench failed:', error);
    await cleanup.runAll();
    process.exit(1);
  },
);
