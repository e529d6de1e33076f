// `npm run bench:pipeline`: messages through the public batch API until the SES emulator has each
// one, first with every service its own process over our broker (distributed), then with the same
// stages in this one process without Kafka or HTTP between them (in-process), and a summary of
// throughput and latency against the targets, with the CPU each process used.
// Option (after `--`): --cpu-prof[=directory] profiles the services and the broker during the
// distributed phases and prints where each one's CPU went (profiling slows them down);
// --saturation=N sends N messages in the saturation phase instead of the standard 10,000 (quicker
// runs for comparing CPU per message; throughput figures need the standard count).
import 'reflect-metadata';
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { connectToSesEmulator, createTestDatabase, PLATFORM_SERVICES, repoRoot } from '@switchboard/testing';
import { Client } from 'pg';
import { Cleanup } from './pipeline/cleanup';
import { DistributedPipeline, startInfrastructureProcess } from './pipeline/distributed-pipeline';
import { IN_PROCESS_SCHEMA, InProcessPipeline, SEND_CONCURRENCY } from './pipeline/in-process-pipeline';
import { measurePipeline, type PipelineFigures } from './pipeline/measure';
import { CpuMeter, postgresProcesses } from './pipeline/process-cpu';
import { profilingEnvironment, signalProfiler } from './pipeline/profiler';
import { describeWorkload, printResults } from './pipeline/summary';
import { BENCH_PROCESS, WORKLOAD } from './pipeline/workload';

const DISTRIBUTED_PIPELINE = [...PLATFORM_SERVICES.map(({ name }) => name), 'broker'];

const cleanup = new Cleanup();

function parseArguments(args: string[]): { cpuProfileDirectory?: string } {
  const parsed: { cpuProfileDirectory?: string } = {};
  for (const arg of args) {
    if (arg === '--cpu-prof') {
      parsed.cpuProfileDirectory = mkdtempSync(join(tmpdir(), 'pipeline-bench-profile-'));
    } else if (arg.startsWith('--cpu-prof=')) {
      parsed.cpuProfileDirectory = resolve(arg.slice('--cpu-prof='.length));
    } else if (arg.startsWith('--saturation=')) {
      const messages = Number(arg.slice('--saturation='.length));
      if (!Number.isInteger(messages) || messages < WORKLOAD.saturation.batchSize) {
        throw new Error(`--saturation must be a whole number of at least ${WORKLOAD.saturation.batchSize}`);
      }
      WORKLOAD.saturation.messages = messages;
    } else {
      throw new Error(`unknown argument ${arg}; expected --cpu-prof[=directory] or --saturation=N`);
    }
  }
  return parsed;
}

async function main(): Promise<void> {
  const args = parseArguments(process.argv.slice(2));
  console.log(describeWorkload({ schema: IN_PROCESS_SCHEMA, sendConcurrency: SEND_CONCURRENCY }));
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
  const mailbox = connectToSesEmulator(emulator.address);
  const postgres = () => postgresProcesses(monitor, database.name, postgresLabel);

  console.log('\n[distributed] starting the broker and the six services...');
  // Made here, not in the broker's process, so that it goes even if that process has to be killed.
  const brokerDataDir = mkdtempSync(join(tmpdir(), 'pipeline-bench-broker-'));
  cleanup.add("removing the broker's data", () => rm(brokerDataDir, { recursive: true, force: true }));
  const distributed = await DistributedPipeline.start({
    databaseUrl: database.url,
    sesEndpoint: emulator.address,
    brokerDataDir,
    processEnv: args.cpuProfileDirectory ? profilingEnvironment(args.cpuProfileDirectory) : {},
  });
  const stopDistributed = cleanup.add('stopping the services and the broker', () => distributed.stop());
  const distributedMeter = new CpuMeter(async () => [
    ...distributed.processes(),
    { label: 'SES emulator', pid: emulator.pid },
    { label: BENCH_PROCESS.distributed, pid: process.pid },
    ...(await postgres()),
  ]);
  distributedMeter.start();
  let distributedFigures: PipelineFigures;
  try {
    distributedFigures = await measurePipeline(distributed, mailbox, {
      meter: distributedMeter,
      pipelineLabels: DISTRIBUTED_PIPELINE,
      profiler:
        args.cpuProfileDirectory === undefined
          ? undefined
          : signalProfiler(args.cpuProfileDirectory, () => distributed.processes().map(({ pid }) => pid)),
    });
  } catch (error) {
    if (distributed.serviceLines.length > 0) {
      console.error(`\nlast service log lines:\n  ${distributed.serviceLines.slice(-30).join('\n  ')}`);
    }
    throw error;
  } finally {
    distributedMeter.stop();
  }
  const serviceLineCount = distributed.serviceLines.length;
  const profiledProcesses = distributed.processes();
  await stopDistributed();

  console.log('\n[in-process] starting...');
  const inProcess = await InProcessPipeline.start({
    databaseUrl: database.url,
    sesEndpoint: emulator.address,
  });
  const stopInProcess = cleanup.add('stopping the in-process pipeline', () => inProcess.stop());
  const inProcessMeter = new CpuMeter(async () => [
    { label: BENCH_PROCESS.inProcess, pid: process.pid },
    { label: 'SES emulator', pid: emulator.pid },
    ...(await postgres()),
  ]);
  inProcessMeter.start();
  let inProcessFigures: PipelineFigures;
  try {
    inProcessFigures = await measurePipeline(inProcess, mailbox, {
      meter: inProcessMeter,
      pipelineLabels: [BENCH_PROCESS.inProcess],
    });
  } finally {
    inProcessMeter.stop();
  }
  await stopInProcess();

  printResults(distributedFigures, inProcessFigures, {
    serviceLineCount,
    benchProcess: BENCH_PROCESS,
    ...(args.cpuProfileDirectory
      ? {
          profiles: {
            directory: args.cpuProfileDirectory,
            processes: profiledProcesses,
            workspaceRoot: repoRoot(),
          },
        }
      : {}),
  });
}

/** PostgreSQL backends by their connection's application name (data sources set switchboard-<schema>). */
function postgresLabel(applicationName: string): string | undefined {
  const prefix = 'switchboard-';
  if (!applicationName.startsWith(prefix)) return undefined;
  const schema = applicationName.slice(prefix.length);
  if (schema === IN_PROCESS_SCHEMA) return `PostgreSQL for ${BENCH_PROCESS.inProcess}`;
  const service = PLATFORM_SERVICES.find(({ name }) => name.replace(/-/g, '_') === schema);
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
