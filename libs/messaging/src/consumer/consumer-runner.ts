import type { PersonalData, TopicName, TopicPayloads } from '@switchboard/contracts';
import { loggableError } from '@switchboard/telemetry';
import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { z } from 'zod';
import { contractOf } from '../contract-of';
import type { EventPublisher } from '../event-publisher';
import { consumerMetrics } from '../consumer-metrics';
import { consumerTimingsOf } from '../kafka';
import { MessagingError } from '../messaging-error';
import { BatchProgress } from './batch-progress';
import { BatchWorker, type BatchWork, type RawRecord, type Registration } from './batch-worker';
import type { BatchOutcome, ConsumedEvent, HandlerOutcome } from './consumed-event';
import {
  resolveConsumerOptions,
  type ConsumerRunnerOptions,
  type ResolvedConsumerOptions,
} from './consumer-options';
import { ConsumerPauses } from './consumer-pauses';
import { DependencyOutageLog } from './dependency-outage-log';
import { HandledAhead } from './handled-ahead';
import { LostDeliveries } from './lost-deliveries';
import { processRecordsWhenDue } from './records-when-due';
import { retryDelayMs } from './timing';

type RunnerState = 'idle' | 'starting' | 'running' | 'restarting' | 'stopping' | 'stopped';

const RESTART_BACKOFF_BASE_MS = 1000;

/**
 * Consumes topics in one consumer group, at least once: an offset is committed only after
 * its handler's work resolved or its dead letter was written. A bad event never stalls its
 * partition and never takes good neighbours with it; an unavailable dependency is waited out,
 * never turned into dead letters; a crashed consumer is restarted, whatever the error.
 */
export class ConsumerRunner {
  private readonly registrations = new Map<string, Registration>();
  private readonly options: ResolvedConsumerOptions;
  private consumer: Consumer | undefined;
  private state: RunnerState = 'idle';
  private stopRequested = new AbortController();
  private readonly pauses = new ConsumerPauses();
  private readonly handledAhead = new HandledAhead();
  private readonly lostDeliveries: LostDeliveries;
  private readonly worker: BatchWorker;
  private restarts = 0;
  private restartTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly publisher: EventPublisher,
    options: ConsumerRunnerOptions,
  ) {
    this.options = resolveConsumerOptions(options, consumerTimingsOf(kafka));
    this.lostDeliveries = new LostDeliveries(this.options.poisonAfterLostDeliveries);
    this.worker = new BatchWorker({
      options: this.options,
      publisher,
      lostDeliveries: this.lostDeliveries,
      outage: new DependencyOutageLog(this.options.log),
      stopSignal: () => this.stopRequested.signal,
      onBatchSkipped: (topic, reason) =>
        consumerMetrics.countSkippedBatch(this.options.groupId, topic, reason),
    });
  }

  on<T extends TopicName>(
    topic: T,
    handler: (event: ConsumedEvent<TopicPayloads[T]>) => Promise<HandlerOutcome>,
  ): this {
    const contract = contractOf(topic);
    return this.register(String(topic), {
      mode: 'each',
      schema: contract.schema as z.ZodType<unknown>,
      personalData: contract.personalData as PersonalData<unknown> | undefined,
      external: false,
      handle: (event) => handler(event as ConsumedEvent<TopicPayloads[T]>),
    });
  }

  /**
   * For Switchboard's own topics outside the contracts map (a new service's, before its contract
   * joins the map): the caller names the schema, and the `sb-*` headers are Switchboard's own.
   */
  onInternal<T>(
    topic: string,
    schema: z.ZodType<T>,
    handler: (event: ConsumedEvent<T>) => Promise<HandlerOutcome>,
  ): this {
    return this.register(topic, {
      mode: 'each',
      schema,
      external: false,
      handle: (event) => handler(event as ConsumedEvent<T>),
    });
  }

  /**
   * For upstream topics outside the contracts map: the caller names the schema. Other systems
   * write them, so their records' `sb-*` headers are dropped unread.
   */
  onExternal<T>(
    topic: string,
    schema: z.ZodType<T>,
    handler: (event: ConsumedEvent<T>) => Promise<HandlerOutcome>,
  ): this {
    return this.register(topic, {
      mode: 'each',
      schema,
      external: true,
      handle: (event) => handler(event as ConsumedEvent<T>),
    });
  }

  /**
   * The handler gets each fetched batch whole (invalid events already dead-lettered), for bulk
   * writes. It may name events that failed (BatchOutcome): only those are retried, and
   * dead-lettered when every attempt failed; a handler that throws has the whole batch retried.
   */
  onBatch<T extends TopicName>(
    topic: T,
    handler: (events: ConsumedEvent<TopicPayloads[T]>[]) => Promise<BatchOutcome<TopicPayloads[T]> | void>,
  ): this {
    const contract = contractOf(topic);
    return this.register(String(topic), {
      mode: 'batch',
      schema: contract.schema as z.ZodType<unknown>,
      personalData: contract.personalData as PersonalData<unknown> | undefined,
      handle: (events) =>
        handler(events as ConsumedEvent<TopicPayloads[T]>[]) as Promise<BatchOutcome | void>,
    });
  }

  /**
   * The handler gets each fetched batch's records as they were written, undecoded: for the
   * dead-letter topic itself, whose records may hold anything. Failing records are isolated and
   * retried like other batches; one that fails every attempt is logged and skipped, as there is
   * no further topic to park it on.
   */
  onRawBatch(topic: string, handler: (records: RawRecord[]) => Promise<void>): this {
    return this.register(topic, {
      mode: 'batch',
      schema: 'raw',
      handle: (events) => handler(events.map((event) => event.payload as RawRecord)),
    });
  }

  /** Connects, joins the group and starts consuming; resolves once this member has joined. */
  async start(): Promise<void> {
    const { groupId } = this.options;
    if (this.state !== 'idle') {
      throw new MessagingError('ALREADY_STARTED', `consumer group ${groupId} was already started`);
    }
    if (this.registrations.size === 0) {
      throw new MessagingError('NO_HANDLERS', `consumer group ${groupId} has no handlers to start`);
    }
    this.setState('starting');
    this.stopRequested = new AbortController();
    try {
      await this.publisher.connect();
      await this.runConsumer();
    } catch (error) {
      this.setState('idle');
      throw error;
    }
    // stop() may have been called meanwhile (TypeScript cannot see setState change the field).
    if ((this.state as RunnerState) === 'starting') this.setState('running');
    this.options.log('info', 'consumer started', {
      groupId,
      topics: [...this.registrations.keys()].join(' '),
    });
  }

  /**
   * Starts no new work, lets in-flight handlers finish (up to stopTimeoutMs: a stuck one is left
   * uncommitted, for redelivery), commits what finished and leaves the group.
   */
  async stop(): Promise<void> {
    if (this.state === 'idle' || this.state === 'stopping' || this.state === 'stopped') return;
    this.setState('stopping');
    this.stopRequested.abort();
    clearTimeout(this.restartTimer);
    this.pauses.clearWaits();
    this.pauses.detach();
    const consumer = this.consumer;
    if (consumer) {
      const finished = await settlesWithin(consumer.disconnect(), this.options.stopTimeoutMs);
      if (!finished) {
        this.options.log('warn', 'in-flight work did not finish in time; left uncommitted for redelivery', {
          groupId: this.options.groupId,
          waitedMs: this.options.stopTimeoutMs,
        });
      }
    }
    this.setState('stopped');
    this.options.log('info', 'consumer stopped', { groupId: this.options.groupId });
  }

  private setState(state: RunnerState): void {
    this.state = state;
    consumerMetrics.setUp(this.options.groupId, state === 'running');
  }

  /** Consuming in its group; false before start, after stop, and while a crashed consumer restarts. */
  isHealthy(): boolean {
    return this.state === 'running';
  }

  /** Holds a topic (e.g. while its provider's circuit is open): nothing more of it is fetched. */
  pause(topic: string): void {
    this.pauses.holdTopic(topic);
    this.assertRunning();
  }

  /** Ends a topic's hold; its partitions waiting for a record's not-before time go on waiting. */
  resume(topic: string): void {
    this.pauses.releaseTopic(topic);
    this.assertRunning();
  }

  /** A new kafkajs consumer in the group, subscribed and running. */
  private async runConsumer(): Promise<void> {
    const consumer = this.kafka.consumer({
      groupId: this.options.groupId,
      sessionTimeout: this.options.sessionTimeoutMs,
      heartbeatInterval: this.options.heartbeatIntervalMs,
      maxWaitTimeInMs: this.options.maxWaitTimeMs,
      minBytes: this.options.minBytes,
      maxBytesPerPartition: this.options.maxBytesPerPartition,
    });
    // kafkajs forgets its pauses when it rebuilds its group after a crash: given again on each join.
    consumer.on(consumer.events.GROUP_JOIN, () => {
      if (this.consumer === consumer) this.pauses.attach(consumer);
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      // kafkajs restarts by itself after a retriable error; after any other it has given up.
      if (payload.restart) {
        this.options.log('warn', 'consumer crashed; kafkajs restarts it', {
          groupId: this.options.groupId,
          error: loggableError(payload.error),
        });
      } else if (this.consumer === consumer) {
        this.pauses.detach();
        this.scheduleRestart(payload.error);
      }
    });
    this.consumer = consumer;
    try {
      await consumer.connect();
      await consumer.subscribe({
        topics: [...this.registrations.keys()],
        fromBeginning: this.options.fromBeginning,
      });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently,
        eachBatch: (payload) => this.processBatch(payload),
      });
      this.pauses.attach(consumer);
    } catch (error) {
      this.consumer = undefined;
      this.pauses.detach();
      await consumer.disconnect().catch(() => undefined);
      throw error;
    }
  }

  /** Whatever made it crash, a consumer never stops for good: it comes back after a capped backoff. */
  private scheduleRestart(error: unknown): void {
    if (this.state === 'stopping' || this.state === 'stopped') return;
    this.setState('restarting');
    this.restarts += 1;
    consumerMetrics.countRestart(this.options.groupId);
    const delayMs = Math.min(
      retryDelayMs(this.restarts, RESTART_BACKOFF_BASE_MS),
      this.options.restartBackoffMaxMs,
    );
    this.options.log('error', 'consumer crashed; restarting it', {
      groupId: this.options.groupId,
      restartInMs: delayMs,
      restarts: this.restarts,
      error: loggableError(error),
    });
    this.restartTimer = setTimeout(() => {
      if (this.state !== 'restarting') return;
      this.runConsumer().then(
        () => {
          if (this.state === 'restarting') this.setState('running');
          this.options.log('info', 'consumer restarted', { groupId: this.options.groupId });
        },
        (restartError: unknown) => this.scheduleRestart(restartError),
      );
    }, delayMs);
  }

  private register(topic: string, registration: Registration): this {
    const { groupId } = this.options;
    if (this.state !== 'idle') {
      throw new MessagingError(
        'ALREADY_STARTED',
        `cannot add a handler for ${topic}: ${groupId} has started`,
      );
    }
    if (this.registrations.has(topic)) {
      throw new MessagingError('HANDLER_ALREADY_REGISTERED', `${topic} already has a handler in ${groupId}`);
    }
    this.registrations.set(topic, registration);
    return this;
  }

  /** Pauses are noted whatever the state, and applied when the consumer runs (or is back from a crash). */
  private assertRunning(): void {
    if (this.state === 'restarting') return;
    if (!this.consumer || this.state !== 'running') {
      throw new MessagingError('NOT_RUNNING', `consumer group ${this.options.groupId} is not running`);
    }
  }

  private async processBatch(payload: EachBatchPayload): Promise<void> {
    const { topic, partition, messages } = payload.batch;
    const registration = this.registrations.get(topic);
    if (!registration || messages.length === 0) return;
    const progress = new BatchProgress(payload, this.options, this.options.log);
    const work: BatchWork = {
      topic,
      partition,
      progress,
      mayContinue: () => this.state === 'running' && progress.mayContinue(),
    };
    progress.start();
    let failure: { error: unknown } | undefined;
    try {
      if (registration.mode === 'batch') {
        await this.worker.processWholeBatch(registration, work, messages);
      } else {
        await processRecordsWhenDue(
          work,
          messages,
          {
            concurrency: this.options.concurrency,
            holdDueWithinMs: this.options.holdDueWithinMs,
            handledAhead: this.handledAhead,
            pauses: this.pauses,
            dueAtOf: (message) => this.worker.dueAtOf(registration, message),
          },
          (message) => this.worker.processRecord(registration, work, message),
        );
      }
    } catch (error) {
      // Only a dead letter that could not be written gets here: its event stays uncommitted.
      failure = { error };
    }
    try {
      await progress.close();
    } finally {
      this.noteLostMembership(work);
    }
    const committed = progress.committedOffset;
    if (committed !== undefined) this.lostDeliveries.forgetCommitted(topic, partition, committed);
    if (failure) throw failure.error;
    this.restarts = 0;
  }

  /** After the group dropped this member in the middle of a batch, its unfinished records get a strike. */
  private noteLostMembership(work: BatchWork): void {
    const offsets = work.progress.offsetsLostWithMembership();
    if (offsets.length === 0) return;
    this.lostDeliveries.recordLoss(work.topic, work.partition, offsets);
    this.options.log('warn', 'group membership lost while handling a batch; its records come back', {
      groupId: this.options.groupId,
      topic: work.topic,
      partition: work.partition,
      offsets: offsets.length === 1 ? offsets[0] : `${offsets[0]}..${offsets[offsets.length - 1]}`,
      parkedAsPoisonAfter: this.lostDeliveries.threshold,
    });
  }
}

/** Resolves true when `work` settled within `ms`, false when it was still going. */
async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([
      work.then(
        () => true,
        () => true,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
