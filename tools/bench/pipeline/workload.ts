// What the pipeline bench sends, and the one interface both pipelines (services over Kafka, and
// the same stages in one process) offer the phases that measure them.

export const WORKLOAD = {
  tenantId: 'bench',
  emailFrom: 'Switchboard <notifications@switchboard.local>',
  // Untimed, so that the JIT, connections and consumer groups are warm before anything is measured.
  warmUp: { messages: 200, batchSize: 100, concurrentRequests: 2 },
  saturation: { messages: 10_000, batchSize: 500, concurrentRequests: 4 },
  steady: { messagesPerSecond: 50, seconds: 20 },
  // A phase stops waiting when no message has been sent for this long.
  stallTimeoutMs: 60_000,
};

export const TARGETS = { messagesPerSecond: 1_000, steadyP99LatencyMs: 100 };

/** One item of POST /v1/messages/batch, or the body of POST /v1/messages. */
export interface BenchMessage {
  recipient: { email: string };
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

/** Epoch milliseconds at which a message passed each stage, as far as known. */
export interface StepTimes {
  /** When it was accepted (the gateway's acceptance time). */
  accepted?: number;
  routed?: number;
  rendered?: number;
  /** Right after the provider answered. */
  sent?: number;
}

export interface PipelineUnderTest {
  readonly name: string;
  /** Hands over the messages as one batch; resolves with their ids, in order, once they are accepted. */
  submitBatch(messages: BenchMessage[]): Promise<string[]>;
  /** Hands over one message on its own; resolves with its id once it is accepted. */
  submitOne(message: BenchMessage): Promise<string>;
  /** When each message passed each stage, by message id. */
  readonly steps: ReadonlyMap<string, StepTimes>;
  /** Messages the pipeline will not send (failed, skipped), with why. */
  readonly notSent: ReadonlyMap<string, string>;
  /** Throws when the pipeline itself broke (a process exited, a stage threw). */
  assertRunning(): void;
  /** Resolves once the work behind the last phase (e.g. analytics catching up) is done. */
  settle(): Promise<{ seconds: number }>;
  stop(): Promise<void>;
}

/** How the CPU tables name the bench's own process in each run. */
export const BENCH_PROCESS = {
  distributed: 'bench (load + event consumer)',
  inProcess: 'bench (the whole pipeline + load)',
};
