// `npm run bench:priority`: does priority hold while a bulk backlog drains? The platform runs as in
// production (every service its own process, our broker between them, the SES emulator as the
// provider). After a warm-up and 10 s of high-priority emails alone (the baseline), the bench
// queues 100,000 bulk emails through the public batch API, then, while that backlog drains, sends
// high-priority emails one request each at 10/s for 60 s, and prints the high-priority accept →
// sent p50/p99 (the gateway's acceptance time to the sender's 'sent' delivery event, taken right
// after SES answered) beside the bulk drain rate.
// Options (after `--`): --bulk=N bulk emails (default 100,000; fewer for a quick check),
// --high-rate=N high-priority emails per second (10), --seconds=N how long they are sent (60),
// --email-rate=N the SES rate limit per second and burst (default the platform's 5,000, which
// the pipeline does not reach on a small machine; a lower one makes the provider the bottleneck,
// where the high-priority share of the rate limit matters).
import 'reflect-metadata';
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_MESSAGES_PER_BATCH, type PriorityName } from '@switchboard/contracts';
import { createTestDatabase } from '@switchboard/testing';
import { Cleanup } from './pipeline/cleanup';
import { DistributedPipeline, startInfrastructureProcess } from './pipeline/distributed-pipeline';
import { percentile, submitInBatches, submitOnSchedule, waitUntilDone } from './pipeline/phases';
import { formatInteger } from './pipeline/report';
import type { BenchMessage, StepTimes } from './pipeline/workload';

const TARGET_HIGH_P99_MS = 250;
const WARM_UP_MESSAGES = 20;
// The same high-priority rate with no backlog first, for comparison: what the machine itself allows.
const BASELINE_SECONDS = 10;
// Bulk requests in flight while the backlog is queued; each carries the most the batch API takes.
const BULK_CONCURRENT_REQUESTS = 4;
// The backlog counts as drained when no bulk email has been sent for this long.
const BULK_STALL_TIMEOUT_MS = 60_000;

interface Options {
  bulk: number;
  highRate: number;
  seconds: number;
  emailRate?: number;
}

/** A bench email with the priority it is sent at; each has its own recipient, as the pipeline bench's. */
interface PriorityMessage extends BenchMessage {
  priority: PriorityName;
}

const cleanup = new Cleanup();

function parseArguments(args: string[]): Options {
  const options: Options = { bulk: 100_000, highRate: 10, seconds: 60 };
  const count = (arg: string, name: string, minimum: number): number => {
    const value = Number(arg.slice(`--${name}=`.length));
    if (!Number.isInteger(value) || value < minimum) {
      throw new Error(`--${name} must be a whole number of at least ${minimum}, got ${arg}`);
    }
    return value;
  };
  for (const arg of args) {
    if (arg.startsWith('--bulk=')) options.bulk = count(arg, 'bulk', 1);
    else if (arg.startsWith('--high-rate=')) options.highRate = count(arg, 'high-rate', 1);
    else if (arg.startsWith('--seconds=')) options.seconds = count(arg, 'seconds', 1);
    else if (arg.startsWith('--email-rate=')) options.emailRate = count(arg, 'email-rate', 1);
    else {
      throw new Error(
        `unknown argument ${arg}; expected --bulk=N, --high-rate=N, --seconds=N or --email-rate=N`,
      );
    }
  }
  return options;
}

function messages(label: string, count: number, priority: PriorityName): PriorityMessage[] {
  return Array.from({ length: count }, (_, index) => ({
    recipient: { email: `${label}-${index}@bench.example.com` },
    content: {
      subject: `Priority bench ${label} #${index}`,
      text: `Message ${index} of the ${label} phase.\n\nSent by the priority bench; nobody reads it.`,
    },
    priority,
  }));
}

async function main(): Promise<void> {
  const options = parseArguments(process.argv.slice(2));
  const highCount = options.highRate * options.seconds;
  console.log(
    `Priority bench: ${formatInteger(options.bulk)} bulk emails queued through POST /v1/messages/batch, ` +
      `then ${formatInteger(highCount)} high-priority emails at ${options.highRate}/s through POST /v1/messages ` +
      `while the backlog drains; SES rate limit ${
        options.emailRate === undefined ? "the platform's (5,000/s)" : `${formatInteger(options.emailRate)}/s`
      }, high-priority share 0.2 (the default)`,
  );

  const database = await createTestDatabase('sb_bench_priority');
  cleanup.add(`dropping database ${database.name}`, () => database.drop());
  const emulator = await startInfrastructureProcess('ses-emulator');
  cleanup.add('stopping the SES emulator', () => emulator.stop());
  const brokerDataDir = mkdtempSync(join(tmpdir(), 'priority-bench-broker-'));
  cleanup.add("removing the broker's data", () => rm(brokerDataDir, { recursive: true, force: true }));

  console.log('\nstarting the broker and the six services...');
  const pipeline = await DistributedPipeline.start({
    name: 'priority',
    databaseUrl: database.url,
    sesEndpoint: emulator.address,
    brokerDataDir,
    ...(options.emailRate === undefined
      ? {}
      : {
          serviceEnv: {
            'sender-email': {
              EMAIL_RATE_PER_SECOND: String(options.emailRate),
              EMAIL_RATE_BURST: String(options.emailRate),
            },
          },
        }),
  });
  cleanup.add('stopping the services and the broker', () => pipeline.stop());
  try {
    await run(pipeline, options);
  } catch (error) {
    if (pipeline.serviceLines.length > 0) {
      console.error(`\nlast service log lines:\n  ${pipeline.serviceLines.slice(-30).join('\n  ')}`);
    }
    throw error;
  }
}

async function run(pipeline: DistributedPipeline, options: Options): Promise<void> {
  const say = (line: string) => console.log(`[priority] ${line}`);
  say(`warm-up: ${WARM_UP_MESSAGES} high-priority emails, not measured`);
  const warmUp = await submitOnSchedule(
    pipeline,
    'warm-up',
    messages('warm-up', WARM_UP_MESSAGES, 'high'),
    20,
  );
  if (!(await waitUntilDone(pipeline, ids(warmUp.submitted)))) {
    throw new Error('the warm-up emails were not all sent');
  }
  say(`no backlog: high priority at ${options.highRate}/s for ${BASELINE_SECONDS} s...`);
  const alone = await submitOnSchedule(
    pipeline,
    'alone',
    messages('alone', options.highRate * BASELINE_SECONDS, 'high'),
    options.highRate,
  );
  if (!(await waitUntilDone(pipeline, ids(alone.submitted)))) {
    throw new Error('the high-priority emails sent with no backlog were not all sent');
  }
  const baseline = acceptToSent(pipeline, ids(alone.submitted));

  say(`queueing ${formatInteger(options.bulk)} bulk emails...`);
  const bulk = await submitInBatches(pipeline, 'bulk', messages('bulk', options.bulk, 'bulk'), {
    batchSize: MAX_MESSAGES_PER_BATCH,
    concurrentRequests: BULK_CONCURRENT_REQUESTS,
  });
  const bulkIds = ids(bulk.submitted);
  const queuedSeconds = (bulk.lastAcceptedAt - bulk.firstRequestAt) / 1000;
  say(
    `queued in ${queuedSeconds.toFixed(1)} s (${formatInteger(options.bulk / queuedSeconds)} msgs/s accepted); ` +
      `${formatInteger(sentCount(pipeline, bulkIds))} of them already sent`,
  );

  say(`high priority: ${options.highRate}/s for ${options.seconds} s...`);
  const high = await submitOnSchedule(
    pipeline,
    'high',
    messages('high', options.highRate * options.seconds, 'high'),
    options.highRate,
  );
  const highIds = ids(high.submitted);
  const highDone = await waitUntilDone(pipeline, highIds);
  const highWindow = { from: high.firstRequestAt, to: Date.now() };
  const loadDuringHigh = loadavg()[0];
  say(`high priority: ${highDone ? 'all handled' : 'stalled'}; waiting for the bulk backlog to drain...`);
  const bulkDone = await waitUntilDone(pipeline, bulkIds, BULK_STALL_TIMEOUT_MS);

  report(pipeline, {
    options,
    baseline,
    loadDuringHigh,
    highIds,
    bulkIds,
    bulkFirstRequestAt: bulk.firstRequestAt,
    highWindow,
    bulkDone,
  });
}

function report(
  pipeline: DistributedPipeline,
  figures: {
    options: Options;
    /** Accept → sent of high-priority emails sent at the same rate before the backlog. */
    baseline: number[];
    loadDuringHigh: number;
    highIds: string[];
    bulkIds: string[];
    bulkFirstRequestAt: number;
    highWindow: { from: number; to: number };
    bulkDone: boolean;
  },
): void {
  const { highIds, bulkIds, highWindow } = figures;
  const bulkSentTimes = bulkIds
    .map((id) => pipeline.steps.get(id)?.sent)
    .filter((sent): sent is number => sent !== undefined)
    .sort((a, b) => a - b);
  const lastBulkSentAt = bulkSentTimes.at(-1) ?? 0;
  const high = highIds.map((id) => ({ id, steps: pipeline.steps.get(id) ?? {} }));
  const sentHigh = high.filter(({ steps }) => steps.sent !== undefined && steps.accepted !== undefined);
  // Only a high-priority email sent while bulk emails were still waiting shows priority holding.
  const behindBacklog = sentHigh.filter(({ steps }) => (steps.sent as number) < lastBulkSentAt);
  const acceptToSent = behindBacklog.map(({ steps }) => (steps.sent as number) - (steps.accepted as number));

  console.log('\nResults');
  console.log(
    `  high priority: ${formatInteger(sentHigh.length)} of ${formatInteger(highIds.length)} sent, ` +
      `${formatInteger(behindBacklog.length)} of them while the bulk backlog was still draining`,
  );
  if (acceptToSent.length > 0) {
    const p99 = percentile(acceptToSent, 99);
    console.log(
      `  high priority accept → sent: p50 ${percentile(acceptToSent, 50)} ms, p99 ${p99} ms, ` +
        `max ${Math.max(...acceptToSent)} ms (target p99 ≤ ${TARGET_HIGH_P99_MS} ms: ${
          p99 <= TARGET_HIGH_P99_MS ? 'met' : 'missed'
        })`,
    );
    console.log(
      `  high priority by hop (p50 / p99): ${describeHops(behindBacklog.map(({ steps }) => steps))}`,
    );
    console.log(
      `  for comparison, the same rate with no backlog: p50 ${percentile(figures.baseline, 50)} ms, ` +
        `p99 ${percentile(figures.baseline, 99)} ms`,
    );
  } else {
    console.log('  high priority accept → sent: no email was sent behind the backlog (use a larger --bulk)');
  }
  const duringHigh = bulkSentTimes.filter((sent) => sent >= highWindow.from && sent <= highWindow.to).length;
  const windowSeconds = (highWindow.to - highWindow.from) / 1000;
  console.log(
    `  bulk drain rate while high priority was sent: ${formatInteger(duringHigh / windowSeconds)} msgs/s ` +
      `(${formatInteger(duringHigh)} in ${windowSeconds.toFixed(1)} s)`,
  );
  const drainSeconds = (lastBulkSentAt - figures.bulkFirstRequestAt) / 1000;
  console.log(
    `  bulk: ${formatInteger(bulkSentTimes.length)} of ${formatInteger(bulkIds.length)} sent` +
      (bulkSentTimes.length > 0
        ? `, ${formatInteger(bulkSentTimes.length / drainSeconds)} msgs/s from the first batch request to the last send`
        : '') +
      (figures.bulkDone ? '' : ` (stalled: nothing sent for ${BULK_STALL_TIMEOUT_MS / 1000} s)`),
  );
  // Every service, the broker, PostgreSQL and the emulator share this machine's cores with the bench.
  console.log(
    `  machine: ${availableParallelism()} cores, load average ${figures.loadDuringHigh.toFixed(1)} ` +
      'over the last minute of the high-priority phase',
  );
  if (pipeline.notSent.size > 0) {
    console.log(
      `  not sent: ${formatInteger(pipeline.notSent.size)}, e.g. ${[...pipeline.notSent.values()][0]}`,
    );
  }
}

const HOPS: Array<{ name: string; from: keyof StepTimes; to: keyof StepTimes }> = [
  { name: 'accepted → routed', from: 'accepted', to: 'routed' },
  { name: 'routed → rendered', from: 'routed', to: 'rendered' },
  { name: 'rendered → sent', from: 'rendered', to: 'sent' },
];

function describeHops(steps: StepTimes[]): string {
  return HOPS.map(({ name, from, to }) => {
    const samples = steps
      .filter((step) => step[from] !== undefined && step[to] !== undefined)
      .map((step) => (step[to] as number) - (step[from] as number));
    return samples.length === 0
      ? `${name} n/a`
      : `${name} ${percentile(samples, 50)} / ${percentile(samples, 99)} ms`;
  }).join(', ');
}

function acceptToSent(pipeline: DistributedPipeline, messageIds: string[]): number[] {
  return messageIds.flatMap((id) => {
    const steps = pipeline.steps.get(id);
    return steps?.sent !== undefined && steps.accepted !== undefined ? [steps.sent - steps.accepted] : [];
  });
}

function ids(submitted: ReadonlyArray<{ messageId: string }>): string[] {
  return submitted.map(({ messageId }) => messageId);
}

function sentCount(pipeline: DistributedPipeline, messageIds: string[]): number {
  return messageIds.filter((id) => pipeline.steps.get(id)?.sent !== undefined).length;
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
    if (interrupted) return;
    console.error('\npriority bench failed:', error);
    await cleanup.runAll();
    process.exit(1);
  },
);
