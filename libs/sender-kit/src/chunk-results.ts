import type { DeliveryEvent, DeliveryEventTypeName } from '@switchboard/contracts';
import type { CircuitTransition, Clock } from '@switchboard/delivery';
import type { DeadLetter } from '@switchboard/messaging';
import type { DeliveryOutcome, FinishedDelivery } from './delivery-ledger';
import type { DeliveryEventFactory, DeliveryEventFields } from './delivery-events';
import { deadLetterFor } from './dead-letters';
import type { BatchItem, Dispatch, RetryTopic, ScheduledRetry, SendOutcome } from './dispatch-batch';
import type { FailureDecision } from './failure-decision';
import { putOffRetry } from './put-offs';

/** What one chunk of a batch produced, written and published together at its end. */
export class ChunkResults<TDispatch extends Dispatch> {
  readonly outcomes: DeliveryOutcome[] = [];
  readonly events: DeliveryEvent[] = [];
  readonly retries: Array<ScheduledRetry<TDispatch>> = [];
  readonly letters: DeadLetter[] = [];

  constructor(
    private readonly context: {
      eventFactory: DeliveryEventFactory;
      retryTopics: readonly RetryTopic[];
      clock: Clock;
    },
  ) {}

  event(item: BatchItem<TDispatch>, type: DeliveryEventTypeName, fields: DeliveryEventFields): void {
    this.events.push(this.context.eventFactory.event(item.event.payload, type, fields));
  }

  finished(item: BatchItem<TDispatch>, delivery: FinishedDelivery): void {
    this.events.push(this.context.eventFactory.finished(item.event.payload, delivery));
  }

  circuitChanges(item: BatchItem<TDispatch>, transitions: readonly CircuitTransition[]): void {
    this.events.push(...this.context.eventFactory.circuitChanges(item.event.payload, transitions));
  }

  /** The delivery is not finished: its row keeps it, pinned to a provider that may have received it. */
  stillSending(item: BatchItem<TDispatch>, pinnedProvider: string | null, reason: string, at: Date): void {
    this.outcomes.push({
      messageId: item.event.payload.messageId,
      status: 'sending',
      pinnedProvider,
      reason,
      at,
    });
  }

  /** The next attempt, scheduled on its retry tier after a failed call. */
  retry(
    item: BatchItem<TDispatch>,
    decision: Extract<FailureDecision, { action: 'retry' }>,
    provider: string,
    reason: string,
  ): SendOutcome {
    const { attempt, delayMs, notBefore, tier } = decision;
    this.retries.push({
      topic: tier.topic,
      payload: item.event.payload,
      attempt,
      notBefore,
      firstAttemptAt: item.firstAttemptAt,
    });
    this.event(item, 'retry-scheduled', {
      provider,
      reason,
      detail: { attempt, delayMs, tier: tier.topic, notBefore: notBefore.toISOString() },
    });
    return { result: 'retry-scheduled', notBefore, topic: tier.topic, reason };
  }

  /** Gives the delivery up: its row, its dead letter and its event say why. */
  deadLetter(
    item: BatchItem<TDispatch>,
    reason: string,
    lastCall: { provider: string; pinnedProvider: string | null; failureCode: string; at: Date },
  ): SendOutcome {
    const attempts = item.event.attempt;
    this.outcomes.push({
      messageId: item.event.payload.messageId,
      status: 'dead-lettered',
      pinnedProvider: lastCall.pinnedProvider,
      reason,
      at: lastCall.at,
    });
    this.letters.push(deadLetterFor(item.event, reason, attempts));
    this.event(item, 'dead-lettered', {
      provider: lastCall.provider,
      reason,
      detail: { attempts, lastFailure: lastCall.failureCode },
    });
    return { result: 'dead-lettered', reason };
  }

  /** No provider call this time: the dispatch waits on a retry topic, its attempt not used up. */
  putOff(item: BatchItem<TDispatch>, until: Date, reason: string, provider?: string): SendOutcome {
    const { retry, delayMs } = putOffRetry(item, until, this.context.clock.now(), this.context.retryTopics);
    this.retries.push(retry);
    this.event(item, 'retry-scheduled', {
      ...(provider === undefined ? {} : { provider }),
      reason,
      detail: { attempt: item.event.attempt, delayMs, tier: retry.topic, notBefore: until.toISOString() },
    });
    return { result: 'retry-scheduled', notBefore: until, topic: retry.topic, reason };
  }
}
