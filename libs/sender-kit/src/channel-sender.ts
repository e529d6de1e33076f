import {
  DeliveryEventTopic,
  HeaderName,
  RETRY_TIER_DELAY_MS,
  RETRY_TIERS,
  type ChannelName,
  type PriorityName,
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
  adoptCommittedOffsets,
  ConsumerRunner,
  LOWER_LANE_MAX_BYTES_PER_PARTITION,
  MessagingError,
  nestMessagingLog,
  type ConsumedEvent,
  type EventPublisher,
  type HandlerOutcome,
  type MessagingLog,
} from '@switchboard/messaging';
import { setMaxListeners } from 'node:events';
import type { Kafka } from 'kafkajs';
import { abortableSleep } from './abortable-sleep';
import { channelSenderGroups, formerChannelSenderGroups, type ChannelTopics } from './channel-sender-groups';
import { DeliveryCounters, type DeliveryCountersSnapshot } from './delivery-counters';
import type { DeliveryLedger } from './delivery-ledger';
import { SenderKitError } from './sender-kit-error';
import type { Dispatch, SendOutcome } from './dispatch-batch';
import type { ProviderRoute } from './provider-route';
import { SendDispatchesUsecase, type SenderOutbox } from './send-dispatches.usecase';

export type { ChannelTopics } from './channel-sender-groups';

export const PRIORITY_LANES: readonly PriorityName[] = ['high', 'normal', 'bulk'];

/*
 * Partitions of normal, bulk and the retry topics worked on at once. A consumer fetches again only
 * once every batch of its last fetch is done, so with one at a time a retry coming due (or a
 * dispatch put off for its tenant's fair share coming back) would wait behind the lane batches
 * of every other partition: every partition of the pipeline's six, and a few more, go at once.
 */
const PARTITIONS_AT_ONCE = 8;

export interface ChannelSenderOptions<TDispatch extends Dispatch> {
  channel: ChannelName;
  /** The service name: the events' source and the consumer groups' name, e.g. 'sender-sms'. */
  source: string;
  topics: ChannelTopics;
  /** The channel's providers in order of preference (see providerRoutes). */
  routes: Array<ProviderRoute<TDispatch>>;
  ledger: DeliveryLedger;
  retryPolicy: RetryPolicyOptions;
  recipientOf(dispatch: TDispatch): string;
  /** Dispatches of each lane sent at once. */
  laneConcurrency: Record<PriorityName, number>;
  /** Retries of a retry topic's partition sent at once (those due; the others wait unfetched). */
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
 * Turns a channel's dispatch topics into provider calls with two consumer groups (each costs a
 * fetch and a heartbeat per fetch wait at rest): the high lane in `<source>.high`, so that it is
 * fetched and sent while a lower lane's batch is still being sent, and normal, bulk and every retry
 * topic in `<source>`. A retry waiting for its not-before time holds nothing there: the runner
 * pauses its partition until shortly before then (messaging README, "Not before"). While a
 * high-priority batch is being sent, the normal and bulk lanes are paused (their batches under way
 * go on, and are kept short), so that a saturated sender gives its provider calls and CPU to high
 * priority first. The rules live in SendDispatchesUsecase; this class only connects them to Kafka.
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
    private readonly kafka: Kafka,
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
    const groups = channelSenderGroups(options.source);
    const shared = {
      maxAttempts: options.processingAttempts ?? 5,
      log: this.log,
      ...options.consumer,
    };
    const sendLane = (lane: PriorityName) => async (events: Array<ConsumedEvent<unknown>>) => {
      const send = () =>
        this.sendBatch(
          events as unknown as Array<ConsumedEvent<TDispatch>>,
          options.laneConcurrency[lane],
          lane,
        );
      await (lane === 'high' ? this.holdingLowerLanes(send) : send());
    };
    const { lanes, retries } = options.topics;
    const high = new ConsumerRunner(kafka, publisher, { groupId: groups.high, ...shared }).onBatch(
      lanes.high.topic as TopicName,
      sendLane('high'),
    );
    const rest = new ConsumerRunner(kafka, publisher, {
      groupId: groups.rest,
      maxBytesPerPartition: LOWER_LANE_MAX_BYTES_PER_PARTITION,
      partitionsConsumedConcurrently: PARTITIONS_AT_ONCE,
      // Per event: only retries are handled one by one (the lanes are handled in batches).
      concurrency: options.retryConcurrency ?? 16,
      ...shared,
    })
      .onBatch(lanes.normal.topic as TopicName, sendLane('normal'))
      .onBatch(lanes.bulk.topic as TopicName, sendLane('bulk'));
    // Per event, so that a retry is handled once its not-before time has come and not before.
    for (const tier of RETRY_TIERS) {
      rest.on(retries[tier].topic as TopicName, (event) =>
        this.sendRetry(event as unknown as ConsumedEvent<TDispatch>),
      );
    }
    this.runners.push(high, rest);
    this.subscriptions.push(
      { runner: high, topic: lanes.high.topic, lowerLane: false },
      { runner: rest, topic: lanes.normal.topic, lowerLane: true },
      { runner: rest, topic: lanes.bulk.topic, lowerLane: true },
      ...RETRY_TIERS.map((tier) => ({ runner: rest, topic: retries[tier].topic, lowerLane: false })),
    );
  }

  /** Joins both groups; the first start after an upgrade continues where the former groups were. */
  async start(): Promise<void> {
    const { source, topics } = this.options;
    const adopted = await adoptCommittedOffsets(this.kafka, {
      to: channelSenderGroups(source).rest,
      sources: formerChannelSenderGroups(source, topics),
    });
    if (adopted > 0) {
      this.log('info', 'lanes and retry topics continue from their former groups', {
        groupId: channelSenderGroups(source).rest,
        partitions: adopted,
      });
    }
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
      const paused = this.holds > 0 || (lowerLane && this.highBatchesInFlight > 0);
      try {
        if (paused) runner.pause(topic);
        else runner.resume(topic);
      } catch (error) {
        // Starting or stopping: the runner has noted the pause (or its end) and applies it when it runs.
        if (!(error instanceof MessagingError && error.code === 'NOT_RUNNING')) throw error;
      }
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
