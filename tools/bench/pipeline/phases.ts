// The measured phases, the same for every pipeline: messages handed over as fast as the pipeline
// accepts them (saturation), or one at a time on a fixed schedule; each message's latency is the
// time it was sent minus the time the request that carried it was made (or, where said, minus the
// gateway's acceptance time).
import type { SesMailbox } from '@switchboard/testing';
import type { CpuMeter, CpuUsage } from './process-cpu';
import { benchMessages, WORKLOAD, type BenchMessage, type PipelineUnderTest } from './workload';

/** Parts of a message's latency, from the request to the send. */
export const STAGES = [
  { name: 'request -> accepted', from: 'requested', to: 'accepted' },
  { name: 'accepted -> routed', from: 'accepted', to: 'routed' },
  { name: 'routed -> rendered', from: 'routed', to: 'rendered' },
  { name: 'rendered -> sent', from: 'rendered', to: 'sent' },
] as const;

export type StageName = (typeof STAGES)[number]['name'];

/** With --hops, the part from acceptance to the send hop by hop (see hop-steps.ts). */
export const HOP_STAGES = [
  { name: 'gateway: accepted -> request handed on', from: 'accepted', to: 'requestPublished' },
  { name: 'ingest: -> accepted message handed on', from: 'requestPublished', to: 'acceptedPublished' },
  { name: 'router: -> routed (decided)', from: 'acceptedPublished', to: 'routed' },
  { name: 'router: routed -> render request handed on', from: 'routed', to: 'renderPublished' },
  { name: 'template: -> rendered', from: 'renderPublished', to: 'rendered' },
  { name: 'template: rendered -> dispatch handed on', from: 'rendered', to: 'dispatchPublished' },
  { name: 'sender: -> sent', from: 'dispatchPublished', to: 'sent' },
] as const;

export type HopStageName = (typeof HOP_STAGES)[number]['name'];

export interface PhaseResult {
  label: string;
  messages: number;
  sent: number;
  /** Given up on by the pipeline (failed, skipped), with a few reasons. */
  notSent: number;
  notSentReasons: string[];
  /** Neither sent nor given up on when the phase stopped waiting. */
  unsent: number;
  /** Epoch milliseconds. */
  firstRequestAt: number;
  lastAcceptedAt: number;
  lastSentAt: number;
  latenciesMs: number[];
  /** From the gateway's acceptance to the send, of the sent messages whose acceptance is known. */
  acceptedToSentMs: number[];
  /** The latency in parts, over the messages whose every step is known. */
  stageLatenciesMs: Record<StageName, number[]>;
  /** The same hop by hop, over the messages whose every hop is known (none without --hops). */
  hopLatenciesMs: Record<HopStageName, number[]>;
  /** How late the fixed schedule fired its requests (steady phases only). */
  scheduleLatenessMs: number[];
  outbox: OutboxCheck;
  /** From just before the first request until the bench saw the last message sent. */
  cpu?: CpuUsage;
}

/** What the provider sandboxes (or the inbox) received of a phase's messages. */
export interface OutboxCheck {
  /** Messages that never arrived. */
  missing: number;
  /** Copies beyond the first one of a message (each message has a recipient of its own). */
  duplicates: number;
}

/** A message the pipeline accepted, with when the request that carried it was made. */
export interface Submitted<Message> {
  messageId: string;
  requestedAt: number;
  message: Message;
}

/** What a phase handed over, before anything is known about what became of it. */
export interface SubmittedPhase<Message> {
  label: string;
  submitted: Array<Submitted<Message>>;
  /** Epoch milliseconds. */
  firstRequestAt: number;
  lastAcceptedAt: number;
  scheduleLatenessMs: number[];
  /** The CPU meter's mark taken just before the first request. */
  cpuFrom?: number;
}

/** Messages in batches, `concurrentRequests` batches in flight, then waits until every one is sent. */
export async function runBatchPhase(
  pipeline: PipelineUnderTest,
  mailbox: SesMailbox,
  phase: string,
  workload: { messages: number; batchSize: number; concurrentRequests: number },
  meter?: CpuMeter,
): Promise<PhaseResult> {
  const label = `${pipeline.name}-${phase}`;
  const submitted = await submitInBatches(
    pipeline,
    label,
    benchMessages(label, workload.messages),
    workload,
    meter,
  );
  return finishPhase(pipeline, mailbox, submitted, meter);
}

/** One request per message on a fixed schedule; a request never waits for the one before it. */
export async function runSteadyPhase(
  pipeline: PipelineUnderTest,
  mailbox: SesMailbox,
  phase: string,
  workload: { messagesPerSecond: number; seconds: number },
  meter?: CpuMeter,
): Promise<PhaseResult> {
  const label = `${pipeline.name}-${phase}`;
  const messages = benchMessages(label, workload.messagesPerSecond * workload.seconds);
  const submitted = await submitOnSchedule(pipeline, label, messages, workload.messagesPerSecond, meter);
  return finishPhase(pipeline, mailbox, submitted, meter);
}

/** Hands the messages over in batches, `concurrentRequests` batches in flight; resolves once all are accepted. */
export async function submitInBatches<Message>(
  pipeline: PipelineUnderTest<Message>,
  label: string,
  messages: Message[],
  workload: { batchSize: number; concurrentRequests: number },
  meter?: CpuMeter,
): Promise<SubmittedPhase<Message>> {
  const batches: Message[][] = [];
  for (let start = 0; start < messages.length; start += workload.batchSize) {
    batches.push(messages.slice(start, start + workload.batchSize));
  }
  const submitted: Array<Submitted<Message>> = [];
  let nextBatch = 0;
  let lastAcceptedAt = 0;
  const cpuFrom = await meter?.mark();
  const firstRequestAt = Date.now();
  const sendBatches = async () => {
    while (nextBatch < batches.length) {
      const batch = batches[nextBatch++];
      const requestedAt = Date.now();
      const messageIds = await pipeline.submitBatch(batch);
      lastAcceptedAt = Date.now();
      messageIds.forEach((messageId, index) =>
        submitted.push({ messageId, requestedAt, message: batch[index] }),
      );
    }
  };
  await Promise.all(Array.from({ length: workload.concurrentRequests }, sendBatches));
  return { label, submitted, firstRequestAt, lastAcceptedAt, scheduleLatenessMs: [], cpuFrom };
}

/** One request per message on a fixed schedule; resolves once all are accepted. */
export async function submitOnSchedule<Message>(
  pipeline: PipelineUnderTest<Message>,
  label: string,
  messages: Message[],
  messagesPerSecond: number,
  meter?: CpuMeter,
): Promise<SubmittedPhase<Message>> {
  const intervalMs = 1000 / messagesPerSecond;
  const submitted: Array<Submitted<Message>> = [];
  const scheduleLatenessMs: number[] = [];
  const requests: Promise<void>[] = [];
  let lastAcceptedAt = 0;
  const cpuFrom = await meter?.mark();
  const firstRequestAt = Date.now();
  const startsAt = performance.now();
  for (const [index, message] of messages.entries()) {
    const dueAt = startsAt + index * intervalMs;
    const wait = dueAt - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    scheduleLatenessMs.push(Math.max(0, performance.now() - dueAt));
    const requestedAt = Date.now();
    requests.push(
      pipeline.submitOne(message).then((messageId) => {
        lastAcceptedAt = Math.max(lastAcceptedAt, Date.now());
        submitted.push({ messageId, requestedAt, message });
      }),
    );
  }
  await Promise.all(requests);
  return { label, submitted, firstRequestAt, lastAcceptedAt, scheduleLatenessMs, cpuFrom };
}

async function finishPhase(
  pipeline: PipelineUnderTest,
  mailbox: SesMailbox,
  phase: SubmittedPhase<BenchMessage>,
  meter?: CpuMeter,
): Promise<PhaseResult> {
  await waitUntilDone(
    pipeline,
    phase.submitted.map(({ messageId }) => messageId),
  );
  const cpu =
    meter && phase.cpuFrom !== undefined ? meter.usage(phase.cpuFrom, await meter.mark()) : undefined;
  const outbox = await checkOutbox(
    mailbox,
    phase.submitted.map(({ message }) => message.recipient.email),
  );
  await mailbox.clear();
  return summarisePhase(pipeline, phase, phase.submitted, outbox, cpu);
}

/**
 * The figures of some of a phase's messages (all of them, or one channel's): how many were sent,
 * when, and how long each took.
 */
export function summarisePhase<Message>(
  pipeline: PipelineUnderTest<Message>,
  phase: SubmittedPhase<Message>,
  messages: ReadonlyArray<Submitted<Message>>,
  outbox: OutboxCheck,
  cpu?: CpuUsage,
): PhaseResult {
  const latenciesMs: number[] = [];
  const acceptedToSentMs: number[] = [];
  const stageLatenciesMs = Object.fromEntries(STAGES.map(({ name }) => [name, [] as number[]])) as Record<
    StageName,
    number[]
  >;
  const hopLatenciesMs = Object.fromEntries(HOP_STAGES.map(({ name }) => [name, [] as number[]])) as Record<
    HopStageName,
    number[]
  >;
  let lastSentAt = 0;
  const notSentReasons = new Set<string>();
  let notSent = 0;
  for (const { messageId, requestedAt } of messages) {
    const steps = pipeline.steps.get(messageId);
    if (steps?.sent !== undefined) {
      latenciesMs.push(steps.sent - requestedAt);
      if (steps.accepted !== undefined) acceptedToSentMs.push(steps.sent - steps.accepted);
      lastSentAt = Math.max(lastSentAt, steps.sent);
      const times = { requested: requestedAt, ...steps };
      if (STAGES.every(({ from, to }) => times[from] !== undefined && times[to] !== undefined)) {
        for (const { name, from, to } of STAGES) {
          stageLatenciesMs[name].push((times[to] as number) - (times[from] as number));
        }
      }
      if (HOP_STAGES.every(({ from, to }) => times[from] !== undefined && times[to] !== undefined)) {
        for (const { name, from, to } of HOP_STAGES) {
          hopLatenciesMs[name].push((times[to] as number) - (times[from] as number));
        }
      }
      continue;
    }
    const reason = pipeline.notSent.get(messageId);
    if (reason !== undefined) {
      notSent += 1;
      if (notSentReasons.size < 5) notSentReasons.add(reason);
    }
  }
  return {
    label: phase.label,
    messages: messages.length,
    sent: latenciesMs.length,
    notSent,
    notSentReasons: [...notSentReasons],
    unsent: messages.length - latenciesMs.length - notSent,
    firstRequestAt: phase.firstRequestAt,
    lastAcceptedAt: phase.lastAcceptedAt,
    lastSentAt,
    latenciesMs,
    acceptedToSentMs,
    stageLatenciesMs,
    hopLatenciesMs,
    scheduleLatenessMs: phase.scheduleLatenessMs,
    outbox,
    ...(cpu ? { cpu } : {}),
  };
}

/**
 * Until every message is sent or given up on, or nothing has been sent (or given up on) for
 * `stallTimeoutMs`. Resolves with whether every message finished.
 */
export async function waitUntilDone<Message>(
  pipeline: PipelineUnderTest<Message>,
  messageIds: string[],
  stallTimeoutMs = WORKLOAD.stallTimeoutMs,
): Promise<boolean> {
  const finished = () =>
    messageIds.filter((id) => pipeline.steps.get(id)?.sent !== undefined || pipeline.notSent.has(id)).length;
  let done = finished();
  let lastProgressAt = Date.now();
  while (done < messageIds.length) {
    pipeline.assertRunning();
    if (Date.now() - lastProgressAt > stallTimeoutMs) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
    const now = finished();
    if (now > done) lastProgressAt = Date.now();
    done = now;
  }
  return true;
}

async function checkOutbox(mailbox: SesMailbox, recipients: string[]): Promise<OutboxCheck> {
  const received = new Map<string, number>();
  for (const email of await mailbox.sentEmails()) {
    for (const address of email.to) received.set(address, (received.get(address) ?? 0) + 1);
  }
  let missing = 0;
  let duplicates = 0;
  for (const recipient of recipients) {
    const count = received.get(recipient) ?? 0;
    if (count === 0) missing += 1;
    else duplicates += count - 1;
  }
  return { missing, duplicates };
}

/** Nearest-rank percentile of unsorted samples. */
export function percentile(samples: number[], percent: number): number {
  if (samples.length === 0) throw new Error('percentile of no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((percent / 100) * sorted.length) - 1)];
}

/** Messages sent per second, from the first request to the last send; undefined unless all were sent. */
export function throughput(result: PhaseResult): number | undefined {
  if (result.sent !== result.messages || result.lastSentAt <= result.firstRequestAt) return undefined;
  return result.sent / ((result.lastSentAt - result.firstRequestAt) / 1000);
}

/** Messages accepted per second, from the first request to the last answer. */
export function acceptanceRate(result: PhaseResult): number {
  return result.messages / Math.max(0.001, (result.lastAcceptedAt - result.firstRequestAt) / 1000);
}
