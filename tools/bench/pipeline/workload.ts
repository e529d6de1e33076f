import type { RequestCount } from '@switchboard/kafka-broker';
// What the pipeline bench sends, and the one interface both pipelines (services over Kafka, and
// the same stages in one process) offer the phases that measure them.
import type { ChannelName } from '@switchboard/contracts';

export const WORKLOAD = {
  tenantId: 'bench',
  emailFrom: 'Switchboard <notifications@switchboard.local>',
  // Untimed, so that the JIT, connections and consumer groups are warm before anything is measured.
  warmUp: { messages: 200, batchSize: 100, concurrentRequests: 2 },
  saturation: { messages: 10_000, batchSize: 500, concurrentRequests: 4 },
  steady: { messagesPerSecond: 50, seconds: 20 },
  // A phase stops waiting when no message has been sent for this long.
  stallTimeoutMs: 60_000,
  // Every channel sender, each message to one channel, the channels in turn (so every batch has all four).
  mixed: {
    warmUp: { messages: 200, batchSize: 100, concurrentRequests: 2 },
    saturation: { messages: 4_000, batchSize: 500, concurrentRequests: 4 },
    steady: { messagesPerSecond: 20, seconds: 20 },
  },
  // SMS only, with the SNS emulator failing a share of the calls for the whole run.
  failing: {
    messages: 2_000,
    batchSize: 500,
    concurrentRequests: 4,
    faults: { failureRate: 0.3, status: 503 as const },
  },
};

export const MIXED_CHANNELS: readonly ChannelName[] = ['email', 'sms', 'push', 'inapp'];

/**
 * Settings of the channel senders in the mixed and failing runs. The provider rate limits are
 * raised so the runs measure the pipeline, not the limits (SMS defaults to 20/s, push to 500/s).
 * Retries and the open circuit keep their shape but are shortened so a run ends in minutes: with 30%
 * of calls failing, five failures in a row happen every few hundred calls and open the circuit.
 */
export const CHANNEL_SENDER_ENV = {
  'sender-sms': {
    SMS_RATE_PER_SECOND: '10000',
    SMS_RATE_BURST: '10000',
    SMS_RETRY_BASE_DELAY: '250ms',
    SMS_RETRY_MAX_DELAY: '5s',
    SMS_CIRCUIT_OPEN_FOR: '2s',
  },
  'sender-push': { PUSH_RATE_PER_SECOND: '100000', PUSH_RATE_BURST: '100000' },
} as const;

export const TARGETS = { messagesPerSecond: 1_000, steadyP99LatencyMs: 100 };

/** One item of POST /v1/messages/batch, or the body of POST /v1/messages. */
export interface BenchMessage {
  recipient: { email: string };
  content: { subject: string; text: string };
}

/**
 * A message to one channel (the only one it names). Each has a recipient of its own (an address,
 * a phone number, or an id with its own push subscription or inbox), so the sandboxes show which
 * messages arrived and which arrived twice.
 */
export interface ChannelMessage {
  recipient: { id: string } | { email: string } | { phone: string };
  channels: [ChannelName];
  content: { subject: string; text: string };
}

/** Each message has its own recipient, so the emulator's outbox shows which ones arrived. */
export function benchMessages(label: string, count: number): BenchMessage[] {
  return Array.from({ length: count }, (_, index) => ({
    recipient: { email: `${label}-${index}@bench.example.com` },
    content: {
      subject: `Pipeline bench ${label} #${index}`,
      text: `Message ${index} of the ${label} phase.\n\nSent by the pipeline bench; nobody reads it.`,
    },
  }));
}

// Numbers are handed out in order so that no two messages of a bench share one.
let nextPhoneNumber = 0;

/**
 * Messages to the channels in turn, each to a recipient of its own: an address for email and
 * SMS, an id for push (registered with a subscription of its own) and in-app (an inbox of its own).
 */
export function channelMessages(
  label: string,
  count: number,
  channels: readonly ChannelName[],
): ChannelMessage[] {
  return Array.from({ length: count }, (_, index) => {
    const channel = channels[index % channels.length];
    return {
      recipient: recipientFor(channel, `${label}-${channel}-${index}`),
      channels: [channel],
      content: {
        subject: `Pipeline bench ${label} #${index}`,
        text: `Message ${index} of the ${label} phase, sent by the pipeline bench; nobody reads it.`,
      },
    };
  });
}

function recipientFor(channel: ChannelName, name: string): ChannelMessage['recipient'] {
  switch (channel) {
    case 'email':
      return { email: `${name}@bench.example.com` };
    case 'sms':
      // Assigned San Francisco numbers: the API refuses numbers that cannot exist.
      return { phone: `+1415${2_000_000 + nextPhoneNumber++}` };
    case 'push':
    case 'inapp':
      return { id: name };
  }
}

/** Epoch milliseconds at which a message passed each stage, as far as known. */
export interface StepTimes {
  /** When it was accepted (the gateway's acceptance time). */
  accepted?: number;
  routed?: number;
  rendered?: number;
  /** Right after the provider answered. */
  sent?: number;
  /** With --hops, when each hop handed the message on (see hop-steps.ts). */
  requestPublished?: number;
  acceptedPublished?: number;
  renderPublished?: number;
  dispatchPublished?: number;
}

export interface PipelineUnderTest<Message = BenchMessage> {
  readonly name: string;
  /** Hands over the messages as one batch; resolves with their ids, in order, once they are accepted. */
  submitBatch(messages: Message[]): Promise<string[]>;
  /** Hands over one message on its own; resolves with its id once it is accepted. */
  submitOne(message: Message): Promise<string>;
  /** When each message passed each stage, by message id. */
  readonly steps: ReadonlyMap<string, StepTimes>;
  /** Messages the pipeline will not send (failed, skipped), with why. */
  readonly notSent: ReadonlyMap<string, string>;
  /** Throws when the pipeline itself broke (a process exited, a stage threw). */
  assertRunning(): void;
  /** Resolves once the work behind the last phase (e.g. analytics catching up) is done. */
  settle(): Promise<{ seconds: number }>;
  /** The broker's request counts so far, by client id and API; a pipeline without Kafka has none. */
  requestCounts?(): Promise<RequestCount[]>;
  stop(): Promise<void>;
}

/** How the CPU tables name the bench's own process in each run. */
export const BENCH_PROCESS = {
  distributed: 'bench (load + event consumer)',
  inProcess: 'bench (the whole pipeline + load)',
  channels: 'bench (load, event consumer, checks)',
};
