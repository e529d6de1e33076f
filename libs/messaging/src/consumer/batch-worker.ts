import { propagation, ROOT_CONTEXT, SpanKind, trace, type Link, type Span } from '@opentelemetry/api';
import { HeaderName, validate, type PersonalData } from '@switchboard/contracts';
import { isInfrastructureFault } from '@switchboard/faults';
import {
  loggableError,
  messagingAttributes,
  recordException,
  recordFailure,
  redactText,
} from '@switchboard/telemetry';
import type { KafkaMessage } from 'kafkajs';
import type { z } from 'zod';
import { readHeaders, withoutInternalHeaders } from '../event-headers';
import type { DeadLetter, EventPublisher } from '../event-publisher';
import type { OpenedPayload } from '../payload-cipher';
import {
  isUndecodableBatchStandIn,
  UNDECODABLE_BATCH_HEADER,
  UNDECODABLE_FIRST_OFFSET_HEADER,
} from '../kafkajs-codecs';
import { errorMessage, type MessagingLogFields } from '../messaging-log';
import { traceCausesOf, withTraceCauses } from '../trace-causes';
import { tracer } from '../tracing';
import type { BatchProgress } from './batch-progress';
import {
  consumedEvent,
  eventLogFields,
  type BatchOutcome,
  type ConsumedEvent,
  type HandlerOutcome,
} from './consumed-event';
import type { ResolvedConsumerOptions } from './consumer-options';
import { describeProblems, toDeadLetters, type ParkedRecord } from './dead-letters';
import { parsePayload, type ParsedPayload } from './decode-payload';
import type { DependencyOutageLog } from './dependency-outage-log';
import type { LostDeliveries } from './lost-deliveries';
import { notBeforeTime, waitUnlessStopped } from './timing';
import { runAttempts, type AttemptHooks } from './work-attempts';

export type EventRegistration = {
  mode: 'each';
  schema: z.ZodType<unknown>;
  /** The contract's personal fields, opened before the schema reads the payload. */
  personalData?: PersonalData<unknown>;
  /** A topic other systems write: its records lose their `sb-*` headers before anything reads them. */
  external: boolean;
  handle(event: ConsumedEvent<unknown>): Promise<HandlerOutcome>;
};
export type BatchRegistration = {
  mode: 'batch';
  /** 'raw': records reach the handler as they are (RawRecord), for the dead-letter topic itself. */
  schema: z.ZodType<unknown> | 'raw';
  personalData?: PersonalData<unknown>;
  handle(events: ConsumedEvent<unknown>[]): Promise<BatchOutcome | void>;
};
export type Registration = EventRegistration | BatchRegistration;

/** One fetched batch of one partition while it is worked on. */
export interface BatchWork {
  topic: string;
  partition: number;
  progress: BatchProgress;
  /** False once the consumer stops or the partition is no longer this member's. */
  mayContinue(): boolean;
}

/** A record's payload as its handler takes it, or why it cannot be handled. */
type DecodedRecord = { ok: true; value: unknown } | { ok: false; error: string; erased: boolean };

interface PendingEvent {
  message: KafkaMessage;
  event: ConsumedEvent<unknown>;
}

interface SettleContext {
  span: Span;
  fields: MessagingLogFields;
  causes: ReturnType<typeof traceCausesOf>;
}

/**
 * Some events of a batch failed; the errors are in the order of those events. When every one of
 * them is an infrastructure fault, so is this: the events wait for the dependency, not for a retry.
 */
class BatchEventsFailed extends Error {
  readonly infrastructureFault: boolean;

  constructor(readonly errors: unknown[]) {
    super(`${errors.length} event(s) of the batch failed: ${errorMessage(errors[0])}`);
    this.name = 'BatchEventsFailed';
    this.infrastructureFault = errors.every(isInfrastructureFault);
  }
}

/** A record as it was written, for a handler that takes any bytes (the dead-letter topic's). */
export interface RawRecord {
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, string>;
  /** The record's own timestamp. */
  timestamp: Date;
}

function isUndecodableBatch(message: KafkaMessage): boolean {
  return isUndecodableBatchStandIn(message);
}

function rawRecordOf(partition: number, message: KafkaMessage): RawRecord {
  return {
    partition,
    offset: message.offset,
    key: message.key ?? null,
    value: message.value ?? null,
    headers: readHeaders(message.headers),
    timestamp: new Date(Number(message.timestamp)),
  };
}

export interface BatchWorkerDependencies {
  options: ResolvedConsumerOptions;
  /** Told of each record batch parked by position instead of being handled. */
  onBatchSkipped?(topic: string, reason: 'undecodable'): void;
  publisher: EventPublisher;
  lostDeliveries: LostDeliveries;
  outage: DependencyOutageLog;
  /** Aborted when the consumer stops: waits end early. */
  stopSignal(): AbortSignal;
}

/**
 * Works one fetched batch of one partition: decodes and validates each record, parks the invalid
 * and the poison ones, runs the handler with retries, waits out unavailable dependencies, and
 * isolates the events a batch handler fails on.
 */
export class BatchWorker {
  private readonly options: ResolvedConsumerOptions;

  constructor(private readonly dependencies: BatchWorkerDependencies) {
    this.options = dependencies.options;
  }

  /** When a record may be handled: its `sb-not-before` time, if it has one Switchboard wrote. */
  dueAtOf(registration: EventRegistration, message: KafkaMessage): number | undefined {
    if (registration.external || isUndecodableBatch(message)) return undefined;
    return notBeforeTime(readHeaders(message.headers)[HeaderName.notBefore]);
  }

  /** Resolves true when the event is finished (handled or dead-lettered), false when it was left for later. */
  processRecord(registration: EventRegistration, work: BatchWork, fetched: KafkaMessage): Promise<boolean> {
    const { topic, partition } = work;
    // Stripped once, here, so that neither the handler, the span nor a dead letter sees them.
    const message: KafkaMessage =
      registration.external && !isUndecodableBatch(fetched)
        ? ({ ...fetched, headers: withoutInternalHeaders(fetched.headers) } as KafkaMessage)
        : fetched;
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
          if (isUndecodableBatch(message)) return this.parkUndecodableBatch(work, fields, message);
          const decodedAll = await this.decode(registration, work, fields, [message]);
          if (decodedAll === undefined) return false;
          const decoded = decodedAll[0];
          if (!decoded.ok) {
            const { error } = decoded;
            recordFailure(span, new Error(error));
            this.options.log(
              'warn',
              decoded.erased ? 'event of an erased recipient dead-lettered' : 'invalid event dead-lettered',
              { ...fields, error },
            );
            return this.park(work, fields, [{ message, error, attempts: 0 }]);
          }
          if (this.dependencies.lostDeliveries.isPoison(topic, partition, message.offset)) {
            return this.parkPoison(registration, work, fields, [message]);
          }
          // Only a record due within holdDueWithinMs is handed over early (see processRecordsWhenDue).
          const untilDue = (this.dueAtOf(registration, fetched) ?? 0) - Date.now();
          if (untilDue > 0 && !(await this.wait(untilDue, work.mayContinue))) return false;
          const event = consumedEvent(topic, partition, message, headers, decoded.value);
          work.progress.started(message.offset);
          let rejection: { reason: string; attempts: number } | undefined;
          const attempts = await runAttempts(
            async (processingAttempt) => {
              const result = await registration.handle({ ...event, processingAttempt });
              span.setAttribute('switchboard.outcome', result.outcome);
              if (result.outcome === 'rejected')
                rejection = { reason: result.reason, attempts: processingAttempt };
              if (result.outcome === 'skipped') {
                this.options.log('debug', 'event skipped', {
                  ...fields,
                  reason: redactText(result.reason),
                });
              }
            },
            this.attemptPolicy(),
            this.attemptHooks(span, fields, work),
          );
          if (attempts.result === 'abandoned') return false;
          if (attempts.result !== 'succeeded') {
            recordFailure(span, attempts.error);
            this.options.log('error', 'handler failed on every attempt; event dead-lettered', {
              ...fields,
              error: loggableError(attempts.error),
            });
            const error = errorMessage(attempts.error);
            return this.park(work, fields, [{ message, error, attempts: attempts.attempts }]);
          }
          if (rejection) {
            this.options.log('warn', 'event rejected by its handler; dead-lettered', {
              ...fields,
              reason: redactText(rejection.reason),
            });
            return this.park(work, fields, [
              { message, error: rejection.reason, attempts: rejection.attempts },
            ]);
          }
          work.progress.finished(message.offset);
          return true;
        } finally {
          span.end();
        }
      },
    );
  }

  async processWholeBatch(
    registration: BatchRegistration,
    work: BatchWork,
    messages: KafkaMessage[],
  ): Promise<void> {
    if (!work.mayContinue()) return;
    const { topic, partition } = work;
    const events: PendingEvent[] = [];
    const invalid: ParkedRecord[] = [];
    const poison: KafkaMessage[] = [];
    const undecodable: KafkaMessage[] = [];
    const links: Link[] = [];
    const fields = { groupId: this.options.groupId, topic, partition, firstOffset: messages[0].offset };
    const decodable = messages.filter((message) => {
      const whole = registration.schema === 'raw' || !isUndecodableBatch(message);
      if (!whole) undecodable.push(message);
      return whole;
    });
    const decodedAll =
      registration.schema === 'raw'
        ? decodable.map((message) => ({ ok: true as const, value: rawRecordOf(partition, message) }))
        : await this.decode(registration, work, fields, decodable);
    // The keys of its personal fields could not be had before the consumer stopped: fetched again.
    if (decodedAll === undefined) return;
    decodable.forEach((message, index) => {
      const headers = readHeaders(message.headers);
      const producerSpan = trace.getSpanContext(propagation.extract(ROOT_CONTEXT, headers));
      if (producerSpan) links.push({ context: producerSpan });
      const decoded = decodedAll[index];
      if (!decoded.ok) invalid.push({ message, error: decoded.error, attempts: 0 });
      else if (this.dependencies.lostDeliveries.isPoison(topic, partition, message.offset))
        poison.push(message);
      else events.push({ message, event: consumedEvent(topic, partition, message, headers, decoded.value) });
    });
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
          for (const message of undecodable) {
            if (!(await this.parkUndecodableBatch(work, fields, message))) return;
          }
          if (invalid.length > 0) {
            this.options.log('warn', 'invalid events dead-lettered', { ...fields, invalid: invalid.length });
            if (!(await this.park(work, fields, invalid))) return;
          }
          if (poison.length > 0 && !(await this.parkPoison(registration, work, fields, poison))) return;
          if (events.length === 0) return;
          const causes = traceCausesOf(events.map(({ event }) => event.headers));
          await this.settle(registration, work, events, { span, fields, causes });
        } finally {
          span.end();
        }
      },
    );
  }

  /**
   * Works a group of a batch's events until each is handled or parked. When the handler throws for
   * a group of several, no event is blamed yet: the group is split in halves and each is worked on
   * alone, down to single events, so one bad event never parks its good neighbours. Events the
   * handler itself reports failed (BatchOutcome) are tried again on their own with backoff.
   * Resolves false when the work was left for redelivery.
   */
  private async settle(
    registration: BatchRegistration,
    work: BatchWork,
    group: PendingEvent[],
    context: SettleContext,
  ): Promise<boolean> {
    let pending = group;
    for (const { message } of pending) work.progress.started(message.offset);
    const attempts = await runAttempts(
      async (processingAttempt) => {
        const outcome = await withTraceCauses(context.causes, () =>
          registration.handle(pending.map(({ event }) => ({ ...event, processingAttempt }))),
        );
        const failedErrors = new Map(
          (outcome?.failed ?? []).map(({ event, error }) => [event.offset, error]),
        );
        for (const { message } of pending) {
          if (!failedErrors.has(message.offset)) work.progress.finished(message.offset);
        }
        pending = pending.filter(({ message }) => failedErrors.has(message.offset));
        if (pending.length > 0) {
          throw new BatchEventsFailed(pending.map(({ message }) => failedErrors.get(message.offset)));
        }
      },
      {
        ...this.attemptPolicy(),
        // Not while stopping: an aborted handler says nothing about its events.
        isolate: (error) => pending.length > 1 && !(error instanceof BatchEventsFailed) && work.mayContinue(),
      },
      this.attemptHooks(context.span, context.fields, work),
    );
    switch (attempts.result) {
      case 'succeeded':
        return true;
      case 'abandoned':
        return false;
      case 'isolate': {
        this.options.log('warn', 'batch handler failed; working on its events in smaller groups', {
          ...context.fields,
          events: pending.length,
          error: loggableError(attempts.error),
        });
        const middle = Math.ceil(pending.length / 2);
        const [first, second] = [pending.slice(0, middle), pending.slice(middle)];
        return (
          (await this.settle(registration, work, first, context)) &&
          this.settle(registration, work, second, context)
        );
      }
      case 'failed': {
        recordFailure(context.span, attempts.error);
        const failures =
          attempts.error instanceof BatchEventsFailed
            ? attempts.error.errors.map(errorMessage)
            : pending.map(() => errorMessage(attempts.error));
        this.options.log('error', 'batch handler failed on every attempt; giving its events up', {
          ...context.fields,
          events: pending.length,
          error: loggableError(attempts.error),
        });
        return this.giveUp(
          registration,
          work,
          context.fields,
          pending.map(({ message }, index) => ({
            message,
            error: failures[index],
            attempts: attempts.attempts,
          })),
        );
      }
    }
  }

  /**
   * Records' payloads as their handler takes them: JSON, personal fields opened (one key lookup for
   * the records given), then the schema. A payload whose owner was erased, or whose sealed fields
   * cannot be opened, is not decodable. Resolves undefined when the keys could not be had before
   * the work had to stop (the database is down and the consumer stops): the records come back.
   */
  private async decode(
    registration: Registration,
    work: BatchWork,
    fields: MessagingLogFields,
    messages: readonly KafkaMessage[],
  ): Promise<DecodedRecord[] | undefined> {
    const schema = registration.schema;
    if (schema === 'raw') throw new TypeError('raw records are not decoded');
    const parsed = messages.map((message) => parsePayload(message.value));
    const opened = await this.openPersonalFields(registration, work, fields, parsed);
    if (opened === undefined) return undefined;
    return parsed.map((payload, index): DecodedRecord => {
      if (!payload.ok)
        return { ok: false, error: describeProblems(work.topic, payload.problems), erased: false };
      const open = opened[index];
      if (open && !open.ok)
        return {
          ok: false,
          error: `${open.reason}: ${open.detail}`,
          erased: open.reason === 'recipient-erased',
        };
      const validated = validate(schema, open ? open.payload : payload.json);
      return validated.ok
        ? validated
        : { ok: false, error: describeProblems(work.topic, validated.problems), erased: false };
    });
  }

  /** The opened payloads, in the order of `parsed` (none for a record that is not JSON). */
  private async openPersonalFields(
    registration: Registration,
    work: BatchWork,
    fields: MessagingLogFields,
    parsed: readonly ParsedPayload[],
  ): Promise<Array<OpenedPayload | undefined> | undefined> {
    const cipher = this.dependencies.publisher.cipher;
    const personalData = registration.personalData;
    const opened: Array<OpenedPayload | undefined> = parsed.map(() => undefined);
    if (!cipher || !personalData) return opened;
    const readable = parsed.flatMap((payload, index) => (payload.ok ? [{ index, json: payload.json }] : []));
    if (readable.length === 0) return opened;
    let answers: OpenedPayload[] = [];
    // An unavailable key store is waited out like any dependency; nothing is dead-lettered for it.
    const attempts = await runAttempts(
      async () => {
        answers = await cipher.open(
          personalData,
          readable.map(({ json }) => json),
        );
      },
      { ...this.attemptPolicy(), maxAttempts: 1 },
      this.attemptHooks(undefined, fields, work),
    );
    if (attempts.result === 'abandoned') return undefined;
    if (attempts.result !== 'succeeded') throw attempts.error;
    readable.forEach(({ index }, position) => {
      opened[index] = answers[position];
    });
    return opened;
  }

  private attemptPolicy() {
    const { maxAttempts, retryBackoffMs, outageBackoffMaxMs } = this.options;
    return { maxAttempts, retryBackoffMs, outageBackoffMaxMs };
  }

  private attemptHooks(span: Span | undefined, fields: MessagingLogFields, work: BatchWork): AttemptHooks {
    return {
      wait: (ms) => this.wait(ms, work.mayContinue),
      onRetry: (attempt, error, retryInMs) => {
        if (span) recordException(span, error);
        this.options.log('warn', 'handler failed; retrying', {
          ...fields,
          attempt,
          retryInMs,
          error: loggableError(error),
        });
      },
      onOutage: (error, waitMs) => {
        work.progress.noteDependencyOutage();
        this.dependencies.outage.fault(fields, error, waitMs);
      },
      onOutageOver: () => this.dependencies.outage.recovered(fields),
    };
  }

  private park(work: BatchWork, fields: MessagingLogFields, records: ParkedRecord[]): Promise<boolean> {
    const letters = toDeadLetters(work.topic, work.partition, records);
    return this.publishLetters(
      work,
      fields,
      letters,
      records.map(({ message }) => message.offset),
    );
  }

  /**
   * The stand-in for a record batch kafkajs could not decode (see installKafkaCodecs): parked by
   * position with the batch's bytes as they were fetched, so a fixed build can replay it, and
   * skipped, so the partition goes on. Decoding the same bytes again gives the same result, and
   * the codecs are checked at start-up, so there is no point in a second try.
   */
  private parkUndecodableBatch(
    work: BatchWork,
    fields: MessagingLogFields,
    message: KafkaMessage,
  ): Promise<boolean> {
    const headers = readHeaders(message.headers);
    const firstOffset = headers[UNDECODABLE_FIRST_OFFSET_HEADER] ?? message.offset;
    const error = `${headers[UNDECODABLE_BATCH_HEADER]} (offsets ${firstOffset} to ${message.offset})`;
    this.options.log('error', 'record batch cannot be decoded: parked by position and skipped', {
      ...fields,
      offset: firstOffset,
      lastOffset: message.offset,
      error,
    });
    this.dependencies.onBatchSkipped?.(work.topic, 'undecodable');
    const letters = toDeadLetters(work.topic, work.partition, [
      { message: { ...message, offset: firstOffset, headers: {} } as KafkaMessage, error, attempts: 0 },
    ]);
    return this.publishLetters(work, fields, letters, [message.offset]);
  }

  /**
   * Writes dead letters, then finishes the offsets they stand for. The broker being unavailable is
   * waited out like any outage; resolves false when the batch must stop first (the records come back later).
   */
  private async publishLetters(
    work: BatchWork,
    fields: MessagingLogFields,
    letters: DeadLetter[],
    offsets: string[],
  ): Promise<boolean> {
    const attempts = await runAttempts(
      () => this.dependencies.publisher.publishDeadLetters(letters),
      { ...this.attemptPolicy(), maxAttempts: 1 },
      this.attemptHooks(undefined, fields, work),
    );
    if (attempts.result === 'abandoned') return false;
    // A dead letter that cannot be written for another reason fails the batch: it is fetched again.
    if (attempts.result !== 'succeeded') throw attempts.error;
    for (const offset of offsets) work.progress.finished(offset);
    return true;
  }

  /**
   * Where events go that will not be handled: the dead-letter topic, or, for the records of that
   * topic itself (raw batches), nowhere further: each is logged with its position and skipped, so
   * the topic keeps flowing.
   */
  private giveUp(
    registration: Registration,
    work: BatchWork,
    fields: MessagingLogFields,
    records: ParkedRecord[],
  ): Promise<boolean> {
    if (registration.mode === 'each' || registration.schema !== 'raw')
      return this.park(work, fields, records);
    for (const { message, error } of records) {
      this.options.log('error', 'record failed every attempt and is skipped (no dead-letter topic for it)', {
        ...fields,
        offset: message.offset,
        error: redactText(error),
      });
      work.progress.finished(message.offset);
    }
    return Promise.resolve(true);
  }

  private parkPoison(
    registration: Registration,
    work: BatchWork,
    fields: MessagingLogFields,
    messages: KafkaMessage[],
  ): Promise<boolean> {
    const losses = this.dependencies.lostDeliveries.threshold;
    const error =
      `poison: its handling lost this consumer its group membership ${losses} times without finishing ` +
      `(a handler that blocks or hangs past the ${this.options.sessionTimeoutMs} ms session timeout)`;
    this.options.log('error', 'event parked as poison', { ...fields, events: messages.length, losses });
    return this.giveUp(
      registration,
      work,
      fields,
      messages.map((message) => ({ message, error, attempts: losses })),
    );
  }

  /** Resolves false, early, when the consumer stops; or after the wait when the batch must not go on. */
  private async wait(ms: number, mayContinue: () => boolean): Promise<boolean> {
    return (await waitUnlessStopped(ms, this.dependencies.stopSignal())) && mayContinue();
  }

  private spanAttributes(topic: string, partition: number): Record<string, string> {
    return {
      ...messagingAttributes('process', topic),
      'messaging.consumer.group.name': this.options.groupId,
      'messaging.destination.partition.id': String(partition),
    };
  }
}
