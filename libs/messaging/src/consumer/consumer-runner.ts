import { propagation, ROOT_CONTEXT, SpanKind, trace, type Link, type Span } from '@opentelemetry/api';
import { HeaderName, type TopicName, type TopicPayloads } from '@switchboard/contracts';
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import type { z } from 'zod';
import { contractOf } from '../contract-of';
import { readHeaders } from '../event-headers';
import type { EventPublisher } from '../event-publisher';
import { MessagingError } from '../messaging-error';
import { errorMessage, loggableError, redactPersonalData, type MessagingLogFields } from '../messaging-log';
import { messagingAttributes, recordException, recordFailure, tracer } from '../tracing';
import { BatchProgress } from './batch-progress';
import {
  consumedEvent,
  eventLogFields,
  type BatchOutcome,
  type ConsumedEvent,
  type HandlerOutcome,
} from './consumed-event';
import {
  resolveConsumerOptions,
  type ConsumerRunnerOptions,
  type ResolvedConsumerOptions,
} from './consumer-options';
import { describeProblems, toDeadLetters, type ParkedRecord } from './dead-letters';
import { decodePayload } from './decode-payload';
import { delayUntilDue, retryDelayMs, waitUnlessStopped } from './timing';
import { runPerKey } from './run-per-key';
import { traceCausesOf, withTraceCauses } from '../trace-causes';

type EventRegistration = {
  mode: 'each';
  schema: z.ZodType<unknown>;
  handle(event: ConsumedEvent<unknown>): Promise<HandlerOutcome>;
};
type BatchRegistration = {
  mode: 'batch';
  schema: z.ZodType<unknown>;
  handle(events: ConsumedEvent<unknown>[]): Promise<BatchOutcome | void>;
};
type Registration = EventRegistration | BatchRegistration;

type RunnerState = 'idle' | 'starting' | 'running' | 'stopping' | 'stopped' | 'crashed';

/** How in-place retries ended: the work succeeded, failed every attempt, or was left for later. */
type RetryResult =
  { result: 'succeeded' } | { result: 'exhausted'; error: unknown } | { result: 'abandoned' };

/** Some events of a batch failed; the errors are in the order of those events. */
class BatchEventsFailed extends Error {
  constructor(readonly errors: unknown[]) {
    super(`${errors.length} event(s) of the batch failed: ${errorMessage(errors[0])}`);
    this.name = 'BatchEventsFailed';
  }
}

/**
 * Consumes topics in one consumer group, at least once: an offset is committed only after
 * its handler's work resolved or its dead letter was written, and a bad event never stalls
 * its partition.
 */
export class ConsumerRunner {
  private readonly registrations = new Map<string, Registration>();
  private readonly options: ResolvedConsumerOptions;
  private consumer: Consumer | undefined;
  private state: RunnerState = 'idle';
  private stopRequested = new AbortController();

  constructor(
    private readonly kafka: Kafka,
    private readonly publisher: EventPublisher,
    options: ConsumerRunnerOptions,
  ) {
    this.options = resolveConsumerOptions(options);
  }

  on<T extends TopicName>(
    topic: T,
    handler: (event: ConsumedEvent<TopicPayloads[T]>) => Promise<HandlerOutcome>,
  ): this {
    return this.register(String(topic), {
      mode: 'each',
      schema: contractOf(topic).schema as z.ZodType<unknown>,
      handle: (event) => handler(event as ConsumedEvent<TopicPayloads[T]>),
    });
  }

  /** For upstream topics outside the contracts map: the caller names the schema. */
  onExternal<T>(
    topic: string,
    schema: z.ZodType<T>,
    handler: (event: ConsumedEvent<T>) => Promise<HandlerOutcome>,
  ): this {
    return this.register(topic, {
      mode: 'each',
      schema,
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
    return this.register(String(topic), {
      mode: 'batch',
      schema: contractOf(topic).schema as z.ZodType<unknown>,
      handle: (events) =>
        handler(events as ConsumedEvent<TopicPayloads[T]>[]) as Promise<BatchOutcome | void>,
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
    this.state = 'starting';
    this.stopRequested = new AbortController();
    const consumer = this.kafka.consumer({
      groupId,
      sessionTimeout: this.options.sessionTimeoutMs,
      heartbeatInterval: this.options.heartbeatIntervalMs,
      maxWaitTimeInMs: this.options.maxWaitTimeMs,
      minBytes: this.options.minBytes,
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.options.log('error', 'consumer crashed', {
        groupId,
        error: loggableError(payload.error),
        restarting: payload.restart,
      });
      if (!payload.restart) this.state = 'crashed';
    });
    this.consumer = consumer;
    const topics = [...this.registrations.keys()];
    try {
      await this.publisher.connect();
      await consumer.connect();
      await consumer.subscribe({ topics, fromBeginning: this.options.fromBeginning });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently,
        eachBatch: (payload) => this.processBatch(payload),
      });
    } catch (error) {
      this.state = 'idle';
      this.consumer = undefined;
      await consumer.disconnect().catch(() => undefined);
      throw error;
    }
    if (this.state === 'starting') this.state = 'running';
    this.options.log('info', 'consumer started', { groupId, topics: topics.join(' ') });
  }

  /** Starts no new work, lets in-flight handlers finish, commits what finished and leaves the group. */
  async stop(): Promise<void> {
    const consumer = this.consumer;
    if (!consumer || this.state === 'stopping' || this.state === 'stopped') return;
    this.state = 'stopping';
    this.stopRequested.abort();
    await consumer.disconnect();
    this.state = 'stopped';
    this.options.log('info', 'consumer stopped', { groupId: this.options.groupId });
  }

  /** Running in its group; false before start, after stop, or after a crash kafkajs gave up on. */
  isHealthy(): boolean {
    return this.state === 'running';
  }

  /** Holds a topic (e.g. while its provider's circuit is open): nothing more of it is fetched. */
  pause(topic: string): void {
    this.runningConsumer().pause([{ topic }]);
  }

  resume(topic: string): void {
    this.runningConsumer().resume([{ topic }]);
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

  private runningConsumer(): Consumer {
    if (!this.consumer || this.state !== 'running') {
      throw new MessagingError('NOT_RUNNING', `consumer group ${this.options.groupId} is not running`);
    }
    return this.consumer;
  }

  private async processBatch(payload: EachBatchPayload): Promise<void> {
    const { topic, partition, messages } = payload.batch;
    const registration = this.registrations.get(topic);
    if (!registration || messages.length === 0) return;
    const progress = new BatchProgress(payload, this.options, this.options.log);
    const mayContinue = () => this.state === 'running' && progress.mayContinue();
    progress.start();
    let failure: { error: unknown } | undefined;
    try {
      if (registration.mode === 'batch') {
        await this.processWholeBatch(registration, topic, partition, messages, progress, mayContinue);
      } else {
        const keyOf = (message: KafkaMessage) => message.key?.toString('utf8') ?? null;
        await runPerKey(
          messages,
          { keyOf, concurrency: this.options.concurrency, shouldStart: mayContinue },
          async (message) => {
            const finished = await this.processRecord(registration, topic, partition, message, mayContinue);
            if (finished) progress.finished(message.offset);
            return finished;
          },
        );
      }
    } catch (error) {
      // Only a dead letter that could not be written gets here: its event stays uncommitted.
      failure = { error };
    }
    await progress.close();
    if (failure) throw failure.error;
  }

  /** Resolves true when the event is finished (handled or dead-lettered), false when it was left for later. */
  private processRecord(
    registration: EventRegistration,
    topic: string,
    partition: number,
    message: KafkaMessage,
    mayContinue: () => boolean,
  ): Promise<boolean> {
    const headers = readHeaders(message.headers);
    const fields = eventLogFields(this.options.groupId, topic, partition, message.offset, headers);
    const parent = propagation.extract(ROOT_CONTEXT, headers);
    const attributes = {
      ...this.spanAttributes(topic, partition),
      'messaging.kafka.offset': Number(message.offset),
    };
    return tracer.startActiveSpan(
      `process ${topic}`,
      { kind: SpanKind.CONSUMER, attributes },
      parent,
      async (span) => {
        try {
          const decoded = decodePayload(message.value, registration.schema);
          if (!decoded.ok) {
            const error = describeProblems(topic, decoded.problems);
            recordFailure(span, new Error(error));
            this.options.log('warn', 'invalid event dead-lettered', { ...fields, error });
            await this.deadLetter(topic, partition, [{ message, error, attempts: 0 }]);
            return true;
          }
          const due = delayUntilDue(headers[HeaderName.notBefore], Date.now());
          if (due > 0 && !(await this.wait(due, mayContinue))) return false;
          const event = consumedEvent(topic, partition, message, headers, decoded.value);
          const retries = await this.retryInPlace(span, fields, mayContinue, async (processingAttempt) => {
            const result = await registration.handle({ ...event, processingAttempt });
            span.setAttribute('switchboard.outcome', result.outcome);
            if (result.outcome === 'skipped') {
              this.options.log('debug', 'event skipped', {
                ...fields,
                reason: redactPersonalData(result.reason),
              });
            }
          });
          if (retries.result === 'abandoned') return false;
          if (retries.result === 'exhausted') {
            const error = errorMessage(retries.error);
            this.options.log('error', 'handler failed on every attempt; event dead-lettered', {
              ...fields,
              error: loggableError(retries.error),
            });
            await this.deadLetter(topic, partition, [{ message, error, attempts: this.options.maxAttempts }]);
          }
          return true;
        } finally {
          span.end();
        }
      },
    );
  }

  private async processWholeBatch(
    registration: BatchRegistration,
    topic: string,
    partition: number,
    messages: KafkaMessage[],
    progress: BatchProgress,
    mayContinue: () => boolean,
  ): Promise<void> {
    if (!mayContinue()) return;
    const events: Array<{ message: KafkaMessage; event: ConsumedEvent<unknown> }> = [];
    const invalid: ParkedRecord[] = [];
    const links: Link[] = [];
    for (const message of messages) {
      const headers = readHeaders(message.headers);
      const producerSpan = trace.getSpanContext(propagation.extract(ROOT_CONTEXT, headers));
      if (producerSpan) links.push({ context: producerSpan });
      const decoded = decodePayload(message.value, registration.schema);
      if (decoded.ok)
        events.push({ message, event: consumedEvent(topic, partition, message, headers, decoded.value) });
      else invalid.push({ message, error: describeProblems(topic, decoded.problems), attempts: 0 });
    }
    const fields = { groupId: this.options.groupId, topic, partition, firstOffset: messages[0].offset };
    const attributes = {
      ...this.spanAttributes(topic, partition),
      'messaging.batch.message_count': messages.length,
    };
    // A batch has many parents: each producer's span is a link rather than the parent.
    await tracer.startActiveSpan(
      `process ${topic}`,
      { kind: SpanKind.CONSUMER, links, attributes },
      ROOT_CONTEXT,
      async (span) => {
        try {
          if (invalid.length > 0) {
            this.options.log('warn', 'invalid events dead-lettered', { ...fields, invalid: invalid.length });
            await this.deadLetter(topic, partition, invalid);
            for (const { message } of invalid) progress.finished(message.offset);
          }
          if (events.length === 0) return;
          const causes = traceCausesOf(events.map(({ event }) => event.headers));
          // Events the handler reported failed are tried again on their own; the rest are done.
          let pending = events;
          const retries = await this.retryInPlace(span, fields, mayContinue, async (processingAttempt) => {
            const outcome = await withTraceCauses(causes, () =>
              registration.handle(pending.map(({ event }) => ({ ...event, processingAttempt }))),
            );
            const failed = outcome?.failed ?? [];
            if (failed.length === 0) return;
            const failedOffsets = new Map(failed.map(({ event, error }) => [event.offset, error]));
            for (const { message } of pending) {
              if (!failedOffsets.has(message.offset)) progress.finished(message.offset);
            }
            pending = pending.filter(({ message }) => failedOffsets.has(message.offset));
            if (pending.length === 0) return;
            throw new BatchEventsFailed(pending.map(({ message }) => failedOffsets.get(message.offset)));
          });
          if (retries.result === 'abandoned') return;
          if (retries.result === 'exhausted') {
            const failures =
              retries.error instanceof BatchEventsFailed
                ? retries.error.errors.map(errorMessage)
                : pending.map(() => errorMessage(retries.error));
            this.options.log('error', 'batch handler failed on every attempt; events dead-lettered', {
              ...fields,
              events: pending.length,
              error: loggableError(retries.error),
            });
            const attempts = this.options.maxAttempts;
            await this.deadLetter(
              topic,
              partition,
              pending.map(({ message }, index) => ({ message, error: failures[index], attempts })),
            );
          }
          for (const { message } of pending) progress.finished(message.offset);
        } finally {
          span.end();
        }
      },
    );
  }

  /** Runs `work` up to maxAttempts times with exponential backoff between tries. */
  private async retryInPlace(
    span: Span,
    fields: MessagingLogFields,
    mayContinue: () => boolean,
    work: (processingAttempt: number) => Promise<void>,
  ): Promise<RetryResult> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await work(attempt);
        return { result: 'succeeded' };
      } catch (error) {
        if (attempt >= this.options.maxAttempts) {
          recordFailure(span, error);
          return { result: 'exhausted', error };
        }
        recordException(span, error);
        const delay = retryDelayMs(attempt, this.options.retryBackoffMs);
        this.options.log('warn', 'handler failed; retrying', {
          ...fields,
          attempt,
          retryInMs: delay,
          error: loggableError(error),
        });
        if (!(await this.wait(delay, mayContinue))) return { result: 'abandoned' };
      }
    }
  }

  private async deadLetter(topic: string, partition: number, records: ParkedRecord[]): Promise<void> {
    await this.publisher.publishDeadLetters(toDeadLetters(topic, partition, records));
  }

  /** Resolves false, early, when the consumer stops; or after the wait when the batch must not go on. */
  private async wait(ms: number, mayContinue: () => boolean): Promise<boolean> {
    return (await waitUnlessStopped(ms, this.stopRequested.signal)) && mayContinue();
  }

  private spanAttributes(topic: string, partition: number): Record<string, string> {
    return {
      ...messagingAttributes('process', topic),
      'messaging.consumer.group.name': this.options.groupId,
      'messaging.destination.partition.id': String(partition),
    };
  }
}
