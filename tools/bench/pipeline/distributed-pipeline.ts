import type { RequestCount } from '@switchboard/kafka-broker';
// The platform as it runs in production: every service its own process, our broker between them,
// the public batch API in front. A message counts as sent when the sender's 'sent' delivery event
// says so: its occurredAt is taken right after the provider answered (SES, SNS, the push service),
// or when the in-app item was stored in the inbox.
import { randomBytes } from 'node:crypto';
import {
  DeliveryEvent,
  DeliveryEventTopic,
  parseOrThrow,
  SendMessageBatchResponse,
  SendMessageResponse,
} from '@switchboard/contracts';
import {
  CHANNEL_SENDER_SERVICES,
  freePort,
  PLATFORM_SERVICES,
  startPlatform,
  startServiceProcess,
  type AnyPlatformServiceName,
  type ChannelSenderSettings,
  type RunningPlatform,
  type StartPlatformOptions,
} from '@switchboard/testing';
import { createKafka } from '@switchboard/messaging';
import type { Consumer } from 'kafkajs';
import { existingHopTopics, recordHopStep } from './hop-steps';
import { processCpuSeconds, type LabelledProcess } from './process-cpu';
import {
  WORKLOAD,
  type BenchMessage,
  type ChannelMessage,
  type PipelineUnderTest,
  type StepTimes,
} from './workload';

const CONSUMER_GROUP = 'pipeline-bench';
const SHOWN_SERVICE_LINES = 20;
// Idle services still heartbeat and long-poll (about 2% of a core each); below this each is done.
const QUIET_CORES = 0.1;
const SETTLE_TIMEOUT_MS = 180_000;

/** What infrastructure-process.ts can run. */
export type InfrastructureKind = 'broker' | 'ses-emulator' | 'sns-emulator' | 'push-service';

/** A helper process of the bench (the broker, a provider sandbox), started from this folder. */
export interface InfrastructureProcess {
  name: string;
  pid: number;
  address: string;
  /** The broker's: where its request counts are read. */
  requestCountsUrl?: string;
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

export async function startInfrastructureProcess(
  kind: InfrastructureKind,
  env: Record<string, string> = {},
): Promise<InfrastructureProcess> {
  const child = await startServiceProcess({
    name: kind,
    entry: 'tools/bench/pipeline/infrastructure-process.ts',
    env: { ...env, BENCH_INFRASTRUCTURE: kind },
    readyLog: /^ready /,
    timeoutMs: 60_000,
  });
  const line = await child.waitForLog(/^ready /);
  const counts = kind === 'broker' ? await child.waitForLog(/^requests /) : undefined;
  return {
    name: kind,
    pid: child.pid,
    address: line.slice('ready '.length).trim(),
    ...(counts ? { requestCountsUrl: counts.slice('requests '.length).trim() } : {}),
    get exited() {
      return child.exited;
    },
    stop: () => child.stop(15_000),
  };
}

/** A message's failed provider calls and what the sender did about them, from its delivery events. */
export interface RetryCounts {
  attemptsFailed: number;
  /** After a failed call, or put off while the provider's circuit was open. */
  retriesScheduled: number;
  /** Times a provider's circuit opened while the sender worked on this message. */
  circuitsOpened: number;
  deadLettered: boolean;
}

/** What the bench learns from the delivery events: when each message passed each stage, or why it stopped. */
class DeliveryEventLog {
  readonly steps = new Map<string, StepTimes>();
  readonly notSent = new Map<string, string>();
  readonly retries = new Map<string, RetryCounts>();

  record(value: Buffer | null): void {
    if (!value) return;
    const event = parseOrThrow(DeliveryEvent, JSON.parse(value.toString('utf8')), 'delivery event');
    const at = Date.parse(event.occurredAt);
    switch (event.type) {
      case 'accepted':
      case 'routed':
      case 'rendered':
      case 'sent': {
        const steps = this.steps.get(event.messageId) ?? {};
        // A redelivered step is published again with its first time; keep the first seen.
        steps[event.type] ??= at;
        this.steps.set(event.messageId, steps);
        if (event.type === 'sent') this.notSent.delete(event.messageId);
        return;
      }
      case 'attempt-failed':
        this.retryCounts(event.messageId).attemptsFailed += 1;
        return;
      case 'retry-scheduled':
        this.retryCounts(event.messageId).retriesScheduled += 1;
        return;
      case 'circuit-changed':
        if (event.detail?.to === 'open') this.retryCounts(event.messageId).circuitsOpened += 1;
        return;
      case 'dead-lettered':
        this.retryCounts(event.messageId).deadLettered = true;
        this.recordNotSent(event);
        return;
      case 'failed':
      case 'skipped':
      case 'deferred':
      case 'duplicate':
        this.recordNotSent(event);
        return;
      default:
        return;
    }
  }

  private recordNotSent(event: DeliveryEvent): void {
    if (this.steps.get(event.messageId)?.sent === undefined) {
      this.notSent.set(event.messageId, `${event.type} by ${event.source}: ${event.reason ?? 'no reason'}`);
    }
  }

  private retryCounts(messageId: string): RetryCounts {
    let counts = this.retries.get(messageId);
    if (counts === undefined) {
      counts = { attemptsFailed: 0, retriesScheduled: 0, circuitsOpened: 0, deadLettered: false };
      this.retries.set(messageId, counts);
    }
    return counts;
  }
}

export class DistributedPipeline implements PipelineUnderTest<BenchMessage | ChannelMessage> {
  readonly steps: ReadonlyMap<string, StepTimes>;
  readonly notSent: ReadonlyMap<string, string>;
  readonly retries: ReadonlyMap<string, RetryCounts>;
  private broken: string | undefined;
  private stopping = false;

  private constructor(
    readonly name: string,
    private readonly broker: InfrastructureProcess,
    private readonly platform: RunningPlatform,
    private readonly consumer: Consumer,
    events: DeliveryEventLog,
    private readonly apiKey: string,
    /** Lines the services wrote (at warn or above, as LOG_LEVEL=warn), tagged with the service. */
    readonly serviceLines: string[],
  ) {
    this.steps = events.steps;
    this.notSent = events.notSent;
    this.retries = events.retries;
    const watch = (name: string, exited: Promise<number | null>) =>
      void exited.then((code) => {
        if (!this.stopping)
          this.broken ??= `${name} exited (${code === null ? 'by a signal' : `code ${code}`})`;
      });
    watch('the broker', broker.exited);
    for (const [name, service] of Object.entries(platform.services)) {
      if (service) watch(name, service.exited);
    }
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart)
        this.broken ??= `the bench's delivery-event consumer crashed: ${payload.error.message}`;
    });
  }

  /**
   * Starts the broker, every service (and the channel senders `channels` asks for) on free ports
   * and the bench's delivery-event consumer. `processEnv` goes to the broker's and the services'
   * processes (e.g. NODE_OPTIONS to profile them), `serviceEnv` to one service's.
   */
  static async start(options: {
    /** Names the run in the bench's output; default 'distributed'. */
    name?: string;
    databaseUrl: string;
    sesEndpoint: string;
    /** The broker keeps its log segments here; the caller removes it. */
    brokerDataDir: string;
    processEnv?: Record<string, string>;
    channels?: ChannelSenderSettings;
    serviceEnv?: StartPlatformOptions['serviceEnv'];
    /** Also note when each hop handed a message on (see hop-steps.ts). */
    hops?: boolean;
  }): Promise<DistributedPipeline> {
    const started: Array<() => Promise<void>> = [];
    const serviceLines: string[] = [];
    const processEnv = options.processEnv ?? {};
    try {
      const broker = await startInfrastructureProcess('broker', {
        ...processEnv,
        BENCH_BROKER_DATA_DIR: options.brokerDataDir,
      });
      started.push(() => broker.stop());
      // A port for every sender; those `channels` does not ask for are not started.
      const ports = Object.fromEntries(
        await Promise.all(
          [...PLATFORM_SERVICES, ...CHANNEL_SENDER_SERVICES].map(
            async ({ name }) => [name, await freePort()] as const,
          ),
        ),
      ) as Record<AnyPlatformServiceName, number>;
      const apiKey = `sb_bench_${randomBytes(16).toString('hex')}`;
      const platform = await startPlatform({
        infrastructure: {
          kafkaBrokers: broker.address,
          databaseUrl: options.databaseUrl,
          sesEndpoint: options.sesEndpoint,
        },
        devApiKey: apiKey,
        devTenant: WORKLOAD.tenantId,
        ports,
        ...(options.channels ? { channels: options.channels } : {}),
        ...(options.serviceEnv ? { serviceEnv: options.serviceEnv } : {}),
        env: { ...processEnv, LOG_LEVEL: 'warn' },
        onLine: (service, line) => {
          serviceLines.push(`[${service}] ${line}`);
          if (serviceLines.length <= SHOWN_SERVICE_LINES) console.log(`  [${service}] ${line}`);
          else if (serviceLines.length === SHOWN_SERVICE_LINES + 1)
            console.log('  (further service log lines are counted, not shown)');
        },
      });
      started.push(() => platform.stop());
      const events = new DeliveryEventLog();
      const consumer = await startDeliveryEventConsumer(broker.address, events, options.hops ?? false);
      return new DistributedPipeline(
        options.name ?? 'distributed',
        broker,
        platform,
        consumer,
        events,
        apiKey,
        serviceLines,
      );
    } catch (error) {
      for (const stop of started.reverse()) await stop().catch(() => undefined);
      throw error;
    }
  }

  async requestCounts(): Promise<RequestCount[]> {
    if (!this.broker.requestCountsUrl) return [];
    const response = await fetch(this.broker.requestCountsUrl);
    if (!response.ok) throw new Error(`the broker's request counts answered ${response.status}`);
    return (await response.json()) as RequestCount[];
  }

  get brokerAddress(): string {
    return this.broker.address;
  }

  /** The broker and every service, labelled for the CPU meter. */
  processes(): LabelledProcess[] {
    return [
      ...[...PLATFORM_SERVICES, ...CHANNEL_SENDER_SERVICES].flatMap(({ name }) => {
        const service = this.platform.services[name];
        return service ? [{ label: name, pid: service.pid }] : [];
      }),
      { label: 'broker', pid: this.broker.pid },
    ];
  }

  /** Where sender-inapp serves the end-user inbox API, when it runs. */
  get inboxUrl(): string | undefined {
    return this.platform.urls['sender-inapp'];
  }

  async submitBatch(messages: Array<BenchMessage | ChannelMessage>): Promise<string[]> {
    const response = await this.post('/v1/messages/batch', { messages });
    if (response.status !== 202) {
      throw new Error(`POST /v1/messages/batch answered ${response.status}: ${response.text.slice(0, 500)}`);
    }
    const body = parseOrThrow(SendMessageBatchResponse, JSON.parse(response.text), 'batch response');
    return body.results.map((result) => {
      if (result.status !== 'accepted') {
        throw new Error(`batch item ${result.index} was rejected: ${JSON.stringify(result.problems)}`);
      }
      return result.messageId;
    });
  }

  async submitOne(message: BenchMessage | ChannelMessage): Promise<string> {
    const response = await this.post('/v1/messages', message);
    if (response.status !== 202) {
      throw new Error(`POST /v1/messages answered ${response.status}: ${response.text.slice(0, 500)}`);
    }
    return parseOrThrow(SendMessageResponse, JSON.parse(response.text), 'send response').messageId;
  }

  assertRunning(): void {
    if (this.broken) throw new Error(`the distributed pipeline broke: ${this.broken}`);
  }

  /** Waits until the services and the broker are idle: analytics may still be storing events. */
  async settle(): Promise<{ seconds: number }> {
    const pids = this.processes().map(({ pid }) => pid);
    const cpuSeconds = () => pids.map((pid) => processCpuSeconds(pid) ?? 0);
    const intervalMs = 500;
    const startedAt = performance.now();
    let quietSince: number | undefined;
    let before = cpuSeconds();
    while (performance.now() - startedAt < SETTLE_TIMEOUT_MS) {
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
      this.assertRunning();
      const now = cpuSeconds();
      const busiest = Math.max(...now.map((seconds, index) => seconds - before[index])) / (intervalMs / 1000);
      before = now;
      if (busiest >= QUIET_CORES) quietSince = undefined;
      else if (quietSince === undefined) quietSince = performance.now() - intervalMs;
      else if (performance.now() - quietSince >= 2 * intervalMs) break;
    }
    return { seconds: ((quietSince ?? performance.now()) - startedAt) / 1000 };
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.consumer.disconnect().catch(() => undefined);
    await this.platform
      .stop()
      .catch(() =>
        Promise.allSettled(Object.values(this.platform.services).map((service) => service?.kill())),
      );
    await this.broker.stop();
  }

  /** A call to the public API with the bench's API key, e.g. to register a push subscription. */
  async post(
    path: string,
    body: unknown,
    method: 'POST' | 'PUT' = 'POST',
  ): Promise<{ status: number; text: string }> {
    const response = await fetch(`${this.platform.gatewayUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, text: await response.text() };
  }
}

async function startDeliveryEventConsumer(
  brokerAddress: string,
  events: DeliveryEventLog,
  hops: boolean,
): Promise<Consumer> {
  // The platform's own client, so that it reads every codec KAFKA_COMPRESSION may choose.
  const kafka = createKafka(
    { clientId: CONSUMER_GROUP, brokers: [brokerAddress], logLevel: 'error' },
    () => undefined,
  );
  // The times come from the events themselves, so reading them late costs nothing but reading them
  // often does: bigger fetches and no commits keep the bench off the cores the services need.
  const consumer = kafka.consumer({ groupId: CONSUMER_GROUP, minBytes: 64 * 1024, maxWaitTimeInMs: 200 });
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  try {
    await consumer.connect();
    const hopTopics = hops ? await existingHopTopics(kafka) : [];
    await consumer.subscribe({ topics: [DeliveryEventTopic.topic, ...hopTopics], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) {
          if (batch.topic === DeliveryEventTopic.topic) events.record(message.value);
          else recordHopStep(events.steps, batch.topic, message);
        }
      },
    });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      joined,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error('the delivery-event consumer did not join its group in 30 s')),
          30_000,
        );
      }),
    ]).finally(() => clearTimeout(timer));
    return consumer;
  } catch (error) {
    await consumer.disconnect().catch(() => undefined);
    throw error;
  }
}
