import type { RequestCount } from '@switchboard/kafka-broker';
import type { SesMailbox } from '@switchboard/testing';
import { runBatchPhase, runSteadyPhase, type PhaseResult } from './phases';
import type { CpuMeter, CpuUsage } from './process-cpu';
import type { Profiler } from './profiler';
import { describePhase, formatInteger } from './report';
import { renderRequestsPerMessage, requestsBetween } from './request-counts';
import { printCpu } from './summary';
import { WORKLOAD, type PipelineUnderTest } from './workload';

export interface PipelineFigures {
  /** The processes that make up the pipeline (not the emulator or the load), for CPU per message. */
  pipelineLabels: string[];
  saturation: PhaseResult;
  /** From the end of the saturation phase until the pipeline was idle again. */
  drain: { seconds: number; cpu: CpuUsage };
  steady: PhaseResult;
  /** Messages missing at the emulator and emails sent twice, over every phase (warm-up included). */
  missing: number;
  duplicates: number;
}

/** Prints the Kafka requests per message since `from`, when the pipeline has a broker to ask. */
async function printRequests(
  pipeline: PipelineUnderTest,
  phase: string,
  from: RequestCount[] | undefined,
  messages: number,
): Promise<void> {
  const to = await pipeline.requestCounts?.();
  if (!from || !to) return;
  console.log(`\n[${pipeline.name}] Kafka requests per message during ${phase}, from the broker's counts:`);
  console.log(renderRequestsPerMessage(requestsBetween(from, to), messages));
  console.log('');
}

/** Warm-up, then saturation, a pause until the pipeline is idle again, then the steady rate. */
export async function measurePipeline(
  pipeline: PipelineUnderTest,
  mailbox: SesMailbox,
  measuring: { meter: CpuMeter; pipelineLabels: string[]; profiler?: Profiler },
): Promise<PipelineFigures> {
  const { meter, profiler } = measuring;
  const say = (line: string) => console.log(`[${pipeline.name}] ${line}`);
  say(`warm-up: ${WORKLOAD.warmUp.messages} messages, not measured`);
  const warmUp = await runBatchPhase(pipeline, mailbox, 'warm-up', WORKLOAD.warmUp);
  if (warmUp.sent !== warmUp.messages) {
    throw new Error(`${pipeline.name}: the warm-up did not get through: ${describePhase(warmUp)}`);
  }
  await pipeline.settle();

  say(`saturation: ${formatInteger(WORKLOAD.saturation.messages)} messages...`);
  let countsFrom = await pipeline.requestCounts?.();
  profiler?.start();
  const saturation = await runBatchPhase(pipeline, mailbox, 'saturation', WORKLOAD.saturation, meter);
  await profiler?.stop();
  say(`saturation: ${describePhase(saturation)}`);
  const drainFrom = await meter.mark();
  const drain = await pipeline.settle();
  const drainCpu = meter.usage(drainFrom, await meter.mark());
  // Until idle again: the saturation phase's requests include those of the work it left behind.
  await printRequests(pipeline, 'saturation (and its drain)', countsFrom, saturation.messages);
  say(`idle again ${Math.max(0, drain.seconds).toFixed(1)} s after the saturation phase ended`);
  // Printed now as well as in the summary, so that a run that fails later still shows it.
  printCpu(pipeline.name, 'saturation', saturation.cpu, measuring.pipelineLabels, {
    name: 'the pipeline',
    labels: measuring.pipelineLabels,
    messages: saturation.messages,
    saturated: true,
  });

  const { messagesPerSecond, seconds } = WORKLOAD.steady;
  say(`steady: ${messagesPerSecond} msgs/s for ${seconds} s...`);
  countsFrom = await pipeline.requestCounts?.();
  profiler?.start();
  const steady = await runSteadyPhase(pipeline, mailbox, 'steady', WORKLOAD.steady, meter);
  await profiler?.stop();
  say(`steady: ${describePhase(steady)}`);
  await pipeline.settle();
  await printRequests(pipeline, `${messagesPerSecond} msgs/s`, countsFrom, steady.messages);

  const phases = [warmUp, saturation, steady];
  return {
    pipelineLabels: measuring.pipelineLabels,
    saturation,
    drain: { seconds: Math.max(0, drain.seconds), cpu: drainCpu },
    steady,
    missing: phases.reduce((sum, phase) => sum + phase.outbox.missing, 0),
    duplicates: phases.reduce((sum, phase) => sum + phase.outbox.duplicates, 0),
  };
}
