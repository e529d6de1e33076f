// What the pipeline bench prints around the measurements: the workload first, then the summary
// against the targets, the latency in parts and the CPU tables (and the profiles, when taken).
import type { PipelineFigures } from './measure';
import { percentile, throughput, acceptanceRate, type PhaseResult } from './phases';
import { cpuProfileFile, summariseCpuProfile } from './cpu-profile';
import type { CpuUsage, LabelledProcess } from './process-cpu';
import {
  formatInteger,
  formatMilliseconds,
  measured,
  NOT_RUN,
  pipelineCost,
  renderCpu,
  renderStages,
  renderSummary,
  type SummaryRow,
} from './report';
import { TARGETS, WORKLOAD } from './workload';

const STEADY_RATE = `${WORKLOAD.steady.messagesPerSecond} msgs/s`;

export function describeWorkload(inProcess: { schema: string; sendConcurrency: number }): string {
  const { warmUp, saturation, steady } = WORKLOAD;
  return [
    'Email runs (distributed, in-process): messages through the public API until the SES emulator (aws-ses-v2-local) has each one.',
    `  warm-up: ${warmUp.messages} messages in batches of ${warmUp.batchSize}, not measured`,
    `  saturation: ${formatInteger(saturation.messages)} inline messages (subject + text), POST /v1/messages/batch with ` +
      `${saturation.batchSize} per request and ${saturation.concurrentRequests} requests in flight; ` +
      'throughput = messages / (last send - first request)',
    `  steady: ${STEADY_RATE} for ${steady.seconds} s, one POST /v1/messages per message on a fixed ` +
      'schedule (requests do not wait for each other)',
    '  latency of a message = when it was sent (right after SES answered) - when the bench started the request that carried it',
    '  every message has its own recipient; after each phase the emulator is checked for every one of them, then emptied',
    '  distributed: gateway, ingest, router, template, sender-email and analytics, each its own process ' +
      '(compiled JavaScript from nx run-many -t build, LOG_LEVEL=warn), the embedded broker and the SES emulator each in a process of ' +
      "their own; a message's steps are the delivery events' occurredAt, read by a kafkajs consumer in the bench",
    '  in-process: the same stages in the bench process, no Kafka and no HTTP between them: validate each request ' +
      '(parseOrThrow SendMessageRequest), store the batch (one bulkInsert), route (one suppression lookup per batch, ' +
      'decisions in one bulkInsert), render (renderInlineEmail), send (SES SendEmail to the same emulator, ' +
      `${inProcess.sendConcurrency} at a time), then ledger rows, timeline events and statuses in one transaction per ` +
      `batch; tables in the scratch schema ${inProcess.schema}. Unlike the services it validates no events (there are ` +
      'none), writes the ledger after sending rather than one claim before and one update after each email, and has ' +
      'no retries, dead letters, tracing or idempotency records',
  ].join('\n');
}

/** The summary of the email runs; a run left out (--runs) shows as not run. */
export function printResults(
  distributed: PipelineFigures | undefined,
  inProcess: PipelineFigures | undefined,
  extras: {
    serviceLineCount: number;
    benchProcess: { distributed: string; inProcess: string };
    profiles?: { directory: string; processes: LabelledProcess[]; workspaceRoot: string };
  },
): void {
  console.log('\nSummary (targets apply to the distributed pipeline, the platform as it runs):');
  console.log(renderSummary(summaryRows(distributed, inProcess)));
  if (distributed) {
    console.log(
      `\nThe services wrote ${extras.serviceLineCount} lines of output during the distributed run (LOG_LEVEL=warn).`,
    );
  }
  console.log(
    "\nWhere the latency goes (each step's time as its service recorded it; accepted = the gateway's time):",
  );
  console.log(
    renderStages([
      ...(distributed
        ? [
            { heading: 'distributed, saturation', phase: distributed.saturation },
            { heading: `distributed, ${STEADY_RATE}`, phase: distributed.steady },
          ]
        : []),
      ...(inProcess
        ? [
            { heading: 'in-process, saturation', phase: inProcess.saturation },
            { heading: `in-process, ${STEADY_RATE}`, phase: inProcess.steady },
          ]
        : []),
    ]),
  );

  const cost = (figures: PipelineFigures, name: string, phase: PhaseResult, saturated: boolean) => ({
    name,
    labels: figures.pipelineLabels,
    messages: phase.messages,
    saturated,
  });
  if (distributed) printDistributedCpu(distributed, extras.benchProcess.distributed, cost);
  if (inProcess) {
    const inProcessOrder = [...inProcess.pipelineLabels, 'SES emulator'];
    const inProcessCost = (phase: PhaseResult, saturated: boolean) =>
      cost(inProcess, 'the pipeline: bench process, its backends', phase, saturated);
    printCpu(
      'in-process',
      'saturation',
      inProcess.saturation.cpu,
      inProcessOrder,
      inProcessCost(inProcess.saturation, true),
    );
    printCpu(
      'in-process',
      STEADY_RATE,
      inProcess.steady.cpu,
      inProcessOrder,
      inProcessCost(inProcess.steady, false),
    );
  }

  if (extras.profiles && distributed) {
    const { directory, processes, workspaceRoot } = extras.profiles;
    // The profiler's first profile covers the saturation phase, its second the steady one.
    for (const [index, phase] of ['saturation', STEADY_RATE].entries()) {
      for (const { label, pid } of processes) {
        console.log(`\n[distributed] ${label} during ${phase}, from its CPU profile:`);
        console.log(summariseCpuProfile(cpuProfileFile(directory, pid, index + 1), workspaceRoot));
      }
    }
  }
  console.log(
    '\nCPU note: the machine has only the cores shown above, shared by the six services, the broker, PostgreSQL, ' +
      'the SES emulator and the bench (and anything else running, counted as "other processes"). A Node process ' +
      'runs its JavaScript on one thread, so one near 100% of a core is limited by itself; a machine near 100% of ' +
      'every core is limited by the cores.',
  );
}

function printDistributedCpu(
  distributed: PipelineFigures,
  benchProcess: string,
  cost: (
    figures: PipelineFigures,
    name: string,
    phase: PhaseResult,
    saturated: boolean,
  ) => { name: string; labels: string[]; messages: number; saturated: boolean },
): void {
  const order = [...distributed.pipelineLabels, 'SES emulator', benchProcess];
  const distributedCost = (phase: PhaseResult, saturated: boolean) =>
    cost(distributed, 'the pipeline: services, broker, their backends', phase, saturated);
  printCpu(
    'distributed',
    'saturation',
    distributed.saturation.cpu,
    order,
    distributedCost(distributed.saturation, true),
  );
  // Only worth a table when the services had work left after the last send (analytics behind).
  if (distributed.drain.seconds >= 1) {
    printCpu(
      'distributed',
      'the catch-up after saturation',
      distributed.drain.cpu,
      order,
      distributedCost(distributed.saturation, false),
    );
  }
  printCpu(
    'distributed',
    STEADY_RATE,
    distributed.steady.cpu,
    order,
    distributedCost(distributed.steady, false),
  );
}

function summaryRows(
  distributed: PipelineFigures | undefined,
  inProcess: PipelineFigures | undefined,
): SummaryRow[] {
  const notAllSent = 'not every message was sent';
  const both = (
    label: string,
    figure: (figures: PipelineFigures) => number | undefined,
    format: SummaryRow['format'],
    target?: SummaryRow['target'],
  ): SummaryRow => ({
    label,
    distributed: distributed ? measured(figure(distributed), notAllSent) : NOT_RUN,
    inProcess: inProcess ? measured(figure(inProcess), notAllSent) : NOT_RUN,
    format,
    ...(target ? { target } : {}),
  });
  const latency = (phase: PhaseResult, percent: number) =>
    phase.latenciesMs.length === 0 ? undefined : percentile(phase.latenciesMs, percent);
  const cpuPerMessage = (figures: PipelineFigures, phase: PhaseResult) =>
    phase.cpu && pipelineCost(phase.cpu, figures.pipelineLabels, phase.messages).millisecondsPerMessage;
  const formatCpu = (value: number): string => value.toFixed(2);
  return [
    both('throughput at saturation, end to end (msgs/s)', (f) => throughput(f.saturation), formatInteger, {
      comparison: '>=',
      value: TARGETS.messagesPerSecond,
    }),
    both('acceptance at saturation (msgs/s)', (f) => acceptanceRate(f.saturation), formatInteger),
    both('latency p50 at saturation (ms)', (f) => latency(f.saturation, 50), formatMilliseconds),
    both('latency p99 at saturation (ms)', (f) => latency(f.saturation, 99), formatMilliseconds),
    both(`latency p50 at ${STEADY_RATE} (ms)`, (f) => latency(f.steady, 50), formatMilliseconds),
    both(`latency p99 at ${STEADY_RATE} (ms)`, (f) => latency(f.steady, 99), formatMilliseconds, {
      comparison: '<=',
      value: TARGETS.steadyP99LatencyMs,
    }),
    both(
      `latency max at ${STEADY_RATE} (ms)`,
      (f) => (f.steady.latenciesMs.length === 0 ? undefined : Math.max(...f.steady.latenciesMs)),
      formatMilliseconds,
    ),
    both('pipeline CPU per message at saturation (ms)', (f) => cpuPerMessage(f, f.saturation), formatCpu),
    both(`pipeline CPU per message at ${STEADY_RATE} (ms)`, (f) => cpuPerMessage(f, f.steady), formatCpu),
    both('messages missing at the emulator', (f) => f.missing, formatInteger, { comparison: '<=', value: 0 }),
    both('emails sent twice', (f) => f.duplicates, formatInteger, { comparison: '<=', value: 0 }),
  ];
}

export function printCpu(
  pipeline: string,
  phase: string,
  usage: CpuUsage | undefined,
  order: string[],
  cost: { name: string; labels: string[]; messages: number; saturated: boolean },
): void {
  if (!usage) return;
  console.log(
    `\n[${pipeline}] CPU during ${phase} (${usage.wallSeconds.toFixed(1)} s, ${formatInteger(cost.messages)} messages):`,
  );
  console.log(renderCpu(usage, order, cost));
  const { millisecondsPerMessage } = pipelineCost(usage, cost.labels, cost.messages);
  const machine = usage.machineBusySeconds / Math.max(usage.wallSeconds, 0.001);
  // Below saturation the cost per message includes what idle processes use (heartbeats, polls).
  const capacity = cost.saturated
    ? `, so ${usage.cores} cores could carry at most ` +
      `${formatInteger((1000 * usage.cores) / Math.max(millisecondsPerMessage, 0.001))} msgs/s if nothing else ran`
    : ' (idle work included)';
  console.log(
    `the machine was busy ${Math.round(machine * 100)}% of ${usage.cores * 100}%; the pipeline used ` +
      `${millisecondsPerMessage.toFixed(2)} ms of CPU per message${capacity}`,
  );
}
