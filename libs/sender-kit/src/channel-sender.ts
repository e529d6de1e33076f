import {
  DeliveryEventTopic,
  HeaderName,
  RETRY_TIER_DELAY_MS,
  RETRY_TIERS,
  type ChannelName,
  type PriorityName,
  type RetryTier,
  type TopicName,
} from '@switchboard/contracts';
import {
  ProviderFailover,
  RetryPolicy,
  type CircuitBreakerSnapshot,
  type Clock,
  type Random,
  type RetryPolicyOptions,
} from '@switchboard/delivery';
import {
  ConsumerRunner,
  LOWER_LANE_MAX_BYTES_PER_PARTITION,
  nestMessagingLog,
  type ConsumedEvent,
  type EventPublisher,
  type HandlerOutcome,
  type MessagingLog,
} from '@switchboard/messaging';
import { setMaxListeners } from 'node:events';
import type { Kafka } from 'kafkajs';
import { abortableSleep } from './abortable-sleep';
import { DeliveryCounters, type DeliveryCountersSnapshot } from './delivery-counters';
import type { DeliveryLedger } from './delivery-ledger';
import { SenderKitError } from './sender-kit-error';
import type { Dispatch, SendOutcome } from './dispatch-batch';
import type { ProviderRoute } from './provider-route';
import { SendDispatchesUsecase, type SenderOutbox } from './send-dispatches.usecase';

export const PRIORITY_LANES: readonly PriorityName[] = ['high', 'normal', 'bulk'];

/*
 * A retry topic's batch holds each event until its not-before time, so a group working one
 * partition at a time would bring dispatches put off for the tenants' fair shares back at a
 * fraction of the pace they were scheduled at (the rest wait in other partitions): every
 * partition of the pipeline's six, and a few more, are worked at once.
 */
const RETRY_PARTITIONS_AT_ONCE = 8;

/** A channel's topics as libs/contracts defines them (e.g. SmsChannelTopics). */
export interface ChannelTopics {
  lanes: Record<PriorityName, { topic: string }>;
  retries: Record<RetryTier, { topic: string }>;
}

export interface ChannelSenderOptions<TDispatch extends Dispatch> {
  channel: ChannelName;
  /** The service name: the events' source and the consumer groups' prefix, e.g. 'sender-sms'. */
  source: string;
  topics: ChannelTopics;
  /** The channel's providers in order of preference (see providerRoutes). */
  routes: Array<ProviderRoute<TDispatch>>;
  ledger: DeliveryLedger;
  retryPolicy: RetryPolicyOptions;
  recipientOf(dispatch: TDispatch): string;
  /** Dispatches of each lane sent at once. */
  laneConcurrency: Record<PriorityName, number>;
  /** Retries of each retry topic worked on at once (each waits for its not-before time). */
  retryConcurrency?: number;
  /** Default 60 s. */
  leaseMs?: number;
  /** Default 10 s. */
  sendTimeoutMs?: number;
  /**
   * A dispatch expected to wait longer than this for its provider's tokens, or for its tenant's fair
   * share of them, is put off to a retry topic so that its partition moves on. Default 1 s.
   */
  fairShareMaxWaitMs?: number;
  /** Tries at a batch whose ledger write or publish failed, before its dispatches are dead-lettered. */
  processingAttempts?: number;
  /** Consumer runner settings for tests (short polls); the defaults suit production. */
  consumer?: { maxWaitTimeMs?: number; retryBackoffMs?: number };
  clock?: Clock;
  random?: Random;
  log?: MessagingLog;
}

export interface ProviderStatus {
  provider: string;
  circuit: CircuitBreakerSnapshot;
  rateLimit: {
    ratePerSecond: number;
    burst: number;
    leasedTokens: number | null;
    /** Tokens of the burst only high priority may take. */
    reservedTokens: number | null;
  };
  counters: DeliveryCountersSnapshot;
}

export interface ChannelSenderStatus {
  channel: ChannelName;
  /** Set while consuming is held because every provider's circuit is open. */
  pausedUntil: string | null;
  providers: ProviderStatus[];
}

interface Subscription {
  runner: ConsumerRunner;
  topic: string;
  /** The normal and bulk lanes, held while a high-priority batch is being sent. */
  lowerLane: boolean;
}

/**
 * Turns a channel's dispatch topics into provider calls: one consumer group per priority lane
 * (a bulk backlog never delays high priority) and one per retry topic (a retry waiting for its
 * not-before time never blocks fresh dispatches or shorter retries). While a high-priority batch
 * is being sent, the normal and bulk lanes are paused (their batches under way go on, and are kept
 * short), so that a saturated sender gives its provider calls and CPU to high priority first. The
 * rules live in SendDispatchesUsecase; this class only connects them to Kafka.
 */
export class ChannelSender<TDispatch extends Dispatch> {
  private readonly subscriptions: Subscription[] = [];
  private readonly runners: ConsumerRunner[] = [];
  private readonly usecase: SendDispatchesUsecase<TDispatch>;
  private readonly counters = new DeliveryCounters();
  private readonly log: MessagingLog;
  private readonly stopping = new AbortController();
  private readonly routes: Array<ProviderRoute<TDispatch>>;
  private holds = 0;
  private highBatchesInFlight = 0;
  private pausedUntil: Date | undefined;

  constructor(
    kafka: Kafka,
    private readonly publisher: EventPublisher,
    private readonly options: ChannelSenderOptions<TDispatch>,
  ) {
    if (options.routes.length === 0) {
      throw new SenderKitError('INVALID_OPTION', `channel ${options.channel} needs at least one provider`);
    }
    this.log = options.log ?? nestMessagingLog(`ChannelSender ${options.channel}`);
    // Every send, rate-limit wait and hold under way listens for the stop: many at once is normal.
    setMaxListeners(0, this.stopping.signal);
    this.routes = options.routes;
    const clock = options.clock;
    this.usecase = new SendDispatchesUsecase<TDispatch>({
      channel: options.channel,
      source: options.source,
      ledger: options.ledger,
      failover: new ProviderFailover(options.routes, clock ? { clock } : {}),
      retryPolicy: new RetryPolicy(options.retryPolicy),
      retryTopics: RETRY_TIERS.map((tier) => ({
        delayMs: RETRY_TIER_DELAY_MS[tier],
        topic: options.topics.retries[tier].topic,
      })),
      outbox: this.outbox(),
      counters: this.counters,
      recipientOf: options.recipientOf,
      holdUntil: (until, signal) => this.holdUntil(until, signal),
      leaseMs: options.leaseMs ?? 60_000,
      sendTimeoutMs: options.sendTimeoutMs ?? 10_000,
      fairShareMaxWaitMs: options.fairShareMaxWaitMs ?? 1000,
      clock,
      random: options.random,
      log: this.log,
    });
    const runnerOptions = (groupId: string, concurrency: number) => ({
      groupId,
      concurrency,
      maxAttempts: options.processingAttempts ?? 5,
      log: this.log,
      ...options.consumer,
    });
    for (const lane of PRIORITY_LANES) {
      const topic = options.topics.lanes[lane].topic;
      const concurrency = options.laneConcurrency[lane];
      const lowerLane = lane !== 'high';
      const runner = new ConsumerRunner(kafka, publisher, {
        ...(lowerLane ? { maxBytesPerPartition: LOWER_LANE_MAX_BYTES_PER_PARTITION } : {}),
        ...runnerOptions(`${options.source}.${lane}`, concurrency),
      }).onBatch(topic as TopicName, async (events) => {
        const send = () =>
          this.sendBatch(events as unknown as Array<ConsumedEvent<TDispatch>>, concurrency, lane);
        await (lowerLane ? send() : this.holdingLowerLanes(send));
      });
      this.runners.push(runner);
      this.subscriptions.push({ runner, topic, lowerLane });
    }
    for (const tier of RETRY_TIERS) {
      const topic = options.topics.retries[tier].topic;
      // Per event, because the runner holds each event until its not-before time.
      const runner = new ConsumerRunner(kafka, publisher, {
        ...runnerOptions(`${options.source}.retry.${tier}`, options.retryConcurrency ?? 16),
        partitionsConsumedConcurrently: RETRY_PARTITIONS_AT_ONCE,
      }).on(topic as TopicName, (event) => this.sendRetry(event as unknown as ConsumedEvent<TDispatch>));
      this.runners.push(runner);
      this.subscriptions.push({ runner, topic, lowerLane: false });
    }
  }

  async start(): Promise<void> {
    await Promise.all(this.runners.map((runner) => runner.start()));
  }

  /** Abandons provider calls and waits under way (their dispatches are redelivered), then leaves the groups. */
  async stop(): Promise<void> {
    this.stopping.abort(new Error(`the ${this.options.channel} sender is stopping`));
    await Promise.all(this.runners.map((runner) => runner.stop()));
  }

  isHealthy(): boolean {
    return this.runners.every((runner) => runner.isHealthy());
  }

  status(): ChannelSenderStatus {
    return {
      channel: this.options.channel,
      pausedUntil: this.pausedUntil?.toISOString() ?? null,
      providers: this.routes.map(({ provider, breaker, rateLimiter }) => ({
        provider: provider.name,
        circuit: breaker.snapshot(),
        rateLimit: {
          ratePerSecond: rateLimiter.ratePerSecond,
          burst: rateLimiter.burst,
          leasedTokens: rateLimiter.leasedTokens ?? null,
          reservedTokens: rateLimiter.reservedTokens ?? null,
        },
        counters: this.counters.snapshot(provider.name),
      })),
    };
  }

  private async sendBatch(
    events: Array<ConsumedEvent<TDispatch>>,
    concurrency: number,
    lane: PriorityName,
  ): Promise<void> {
    const outcomes = await this.usecase.execute(events, concurrency, this.stopping.signal, lane);
    outcomes.forEach((outcome, index) => this.logOutcome(events[index], outcome));
  }

  private async sendRetry(event: ConsumedEvent<TDispatch>): Promise<HandlerOutcome> {
    const [outcome] = await this.usecase.execute([event], 1, this.stopping.signal);
    this.logOutcome(event, outcome);
    return outcome.result === 'skipped'
      ? { outcome: 'skipped', reason: outcome.reason }
      : { outcome: 'done' };
  }

  private logOutcome(event: ConsumedEvent<TDispatch>, outcome: SendOutcome): void {
    const { tenantId, messageId } = event.payload;
    if (outcome.result === 'failed') {
      this.log('warn', 'rejected for good by the provider', {
        tenant: tenantId,
        messageId,
        reason: outcome.reason,
      });
    } else if (outcome.result === 'dead-lettered') {
      this.log('error', 'dead-lettered after its retries', {
        tenant: tenantId,
        messageId,
        reason: outcome.reason,
      });
    }
  }

  /** Pauses every topic of this sender until `until`; overlapping holds end with the last one. */
  private async holdUntil(until: Date, signal: AbortSignal): Promise<void> {
    this.holds += 1;
    if (this.pausedUntil === undefined || until > this.pausedUntil) this.pausedUntil = until;
    if (this.holds === 1) {
      this.log('warn', 'every provider circuit is open: consuming paused', {
        channel: this.options.channel,
        until: until.toISOString(),
      });
      this.applyPauses();
    }
    try {
      await abortableSleep(Math.max(0, until.getTime() - Date.now()), signal);
    } finally {
      this.holds -= 1;
      if (this.holds === 0) {
        this.pausedUntil = undefined;
        this.applyPauses();
        this.log('info', 'consuming resumed', { channel: this.options.channel });
      }
    }
  }

  private async holdingLowerLanes(send: () => Promise<void>): Promise<void> {
    this.highBatchesInFlight += 1;
    if (this.highBatchesInFlight === 1) this.applyPauses();
    try {
      await send();
    } finally {
      this.highBatchesInFlight -= 1;
      if (this.highBatchesInFlight === 0) this.applyPauses();
    }
  }

  /** Every topic paused while all circuits are open; normal and bulk also while high is being sent. */
  private applyPauses(): void {
    for (const { runner, topic, lowerLane } of this.subscriptions) {
      // A runner that is starting or stopping has nothing to pause.
      if (!runner.isHealthy()) continue;
      const paused = this.holds > 0 || (lowerLane && this.highBatchesInFlight > 0);
      if (paused) runner.pause(topic);
      else runner.resume(topic);
    }
  }

  private outbox(): SenderOutbox<TDispatch> {
    const publisher = this.publisher;
    return {
      publishEvents: (events) => publisher.publishMany(DeliveryEventTopic.topic, events),
      publishRetries: async (retries) => {
        // Sent together: the publisher puts concurrent publishes into one request.
        await Promise.all(
          retries.map((retry) =>
            publisher.publish(retry.topic as TopicName, retry.payload as never, {
              attempt: retry.attempt,
              headers: {
                [HeaderName.notBefore]: retry.notBefore.toISOString(),
                [HeaderName.firstAttemptAt]: retry.firstAttemptAt.toISOString(),
              },
            }),
          ),
        );
      },
      publishDeadLetters: (letters) => publisher.publishDeadLetters(letters),
    };
  }
}
