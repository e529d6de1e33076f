import { randomUUID } from 'node:crypto';
import { HeaderName, type ChannelName, type DeliveryEvent, type PriorityName } from '@switchboard/contracts';
import {
  systemClock,
  type Clock,
  type ProviderFailover,
  type Random,
  type RetryPolicy,
} from '@switchboard/delivery';
import type { ConsumedEvent, DeadLetter, MessagingLog } from '@switchboard/messaging';
import type { DeliveryDetail } from './channel-provider';
import { ChunkResults } from './chunk-results';
import type { DeliveryCounters } from './delivery-counters';
import { DeliveryEventFactory } from './delivery-events';
import type { DeliveryLedger, FinishedDelivery } from './delivery-ledger';
import { despiteOutages } from './despite-outages';
import type {
  AdmittedItem,
  BatchItem,
  ChosenItem,
  ClaimedItem,
  Dispatch,
  RetryTopic,
  ScheduledRetry,
  SendOutcome,
} from './dispatch-batch';
import { decideAfterFailure, failedCallOf, failureReason } from './failure-decision';
import { interleaveByTenant } from './interleave-by-tenant';
import { ProviderChooser } from './provider-choice';
import type { ProviderRoute } from './provider-route';
import { FAIR_SHARE_REASON, FairSharePutOffs } from './put-offs';

export type { Dispatch, RetryTopic, ScheduledRetry, SendOutcome } from './dispatch-batch';
export { mayHaveBeenSent } from './failure-decision';
export type { ProviderRoute, RateLimiter } from './provider-route';
export { FAIR_SHARE_REASON } from './put-offs';

/** Where the outcomes go; the channel sender publishes them, tests keep them. */
export interface SenderOutbox<TDispatch> {
  publishEvents(events: DeliveryEvent[]): Promise<void>;
  publishRetries(retries: Array<ScheduledRetry<TDispatch>>): Promise<void>;
  publishDeadLetters(letters: DeadLetter[]): Promise<void>;
}

export interface SendDispatchesDependencies<TDispatch extends Dispatch> {
  channel: ChannelName;
  /** The service recorded as the source of the delivery events, e.g. 'sender-sms'. */
  source: string;
  ledger: DeliveryLedger;
  failover: ProviderFailover<ProviderRoute<TDispatch>>;
  retryPolicy: RetryPolicy;
  retryTopics: readonly RetryTopic[];
  outbox: SenderOutbox<TDispatch>;
  counters: DeliveryCounters;
  /** The partition key's recipient: one recipient's dispatches are sent one after another. */
  recipientOf(dispatch: TDispatch): string;
  /** Stops consuming until `until` (every provider's circuit is open) and resolves then. */
  holdUntil(until: Date, signal: AbortSignal): Promise<void>;
  /** How long a claim keeps other senders off a delivery; renewed before each provider call. */
  leaseMs: number;
  /** A provider call still unanswered after this is abandoned; its outcome is unknown. */
  sendTimeoutMs: number;
  /**
   * A dispatch expected to wait longer than this for its provider's tokens, or for its tenant's
   * fair share of them, is put off to a retry topic (see FairShare). Default: never put off.
   */
  fairShareMaxWaitMs?: number;
  clock?: Clock;
  random?: Random;
  log?: MessagingLog;
}

/**
 * How long a batch's dispatches have waited for their providers' tokens, chunk after chunk. Only
 * that wait counts towards putting the rest off (FAIR_SHARE_REASON): the time spent sending holds
 * the partition too, but putting dispatches off would not shorten it, only send them one by one
 * from a retry topic later.
 */
interface BatchWait {
  tokensMs: number;
}

/**
 * Sends a batch of one channel's dispatches, each at most once and by at most one provider (see
 * the README's "Send" rules): claim in the ledger, pick a provider whose circuit lets a call
 * through (ProviderChooser), take a turn at its rate limit or be put off to keep to the tenants'
 * fair shares (FairSharePutOffs), call, then record the outcome (decideAfterFailure on a failure)
 * and publish the delivery events, retries and dead letters. The dispatches go `concurrency` at a
 * time, the batch's tenants taking turns; each such chunk is claimed in one statement, its
 * attempts recorded in one and its outcomes in one.
 */
export class SendDispatchesUsecase<TDispatch extends Dispatch> {
  private readonly clock: Clock;
  private readonly random: Random;
  private readonly providers: ProviderChooser<TDispatch>;
  private readonly fairShares: FairSharePutOffs<TDispatch>;
  private readonly eventFactory: DeliveryEventFactory;
  private readonly retryTopicNames: ReadonlySet<string>;

  constructor(private readonly dependencies: SendDispatchesDependencies<TDispatch>) {
    this.clock = dependencies.clock ?? systemClock;
    this.random = dependencies.random ?? Math.random;
    this.providers = new ProviderChooser(dependencies.failover, { clock: this.clock, log: dependencies.log });
    this.fairShares = new FairSharePutOffs(this.providers.routes, {
      maxWaitMs: dependencies.fairShareMaxWaitMs ?? Number.POSITIVE_INFINITY,
      clock: this.clock,
    });
    this.eventFactory = new DeliveryEventFactory({
      source: dependencies.source,
      channel: dependencies.channel,
      clock: this.clock,
    });
    this.retryTopicNames = new Set(dependencies.retryTopics.map((tier) => tier.topic));
  }

  /** The outcome of each event, in the order given; `priority` is their lane's (retries count as normal). */
  async execute(
    events: ReadonlyArray<ConsumedEvent<TDispatch>>,
    concurrency: number,
    signal: AbortSignal,
    priority: PriorityName = 'normal',
  ): Promise<SendOutcome[]> {
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new RangeError(`concurrency must be a positive integer, got ${concurrency}`);
    }
    const results: SendOutcome[] = new Array(events.length);
    const firstIndexOf = new Map<string, number>();
    const items: Array<BatchItem<TDispatch>> = [];
    events.forEach((event, index) => {
      const messageId = event.payload.messageId;
      if (firstIndexOf.has(messageId)) {
        results[index] = { result: 'skipped', reason: 'the same message came earlier in the batch' };
        return;
      }
      firstIndexOf.set(messageId, index);
      items.push({ index, event, firstAttemptAt: this.firstAttemptAt(event), priority });
    });
    const waited: BatchWait = { tokensMs: 0 };
    const tenantsInTurn = interleaveByTenant(items, (item) => item.event.payload.tenantId);
    const { due, published } = this.putOffBeyondFairShare(tenantsInTurn, results, signal);
    // The put-off dispatches are published while the due ones are sent: neither waits for the other.
    const sent = (async () => {
      for (let start = 0; start < due.length; start += concurrency) {
        await this.sendChunk(due.slice(start, start + concurrency), results, signal, waited);
      }
    })();
    await Promise.all([published, sent]);
    return results;
  }

  /** Puts off at once, unclaimed, the fresh dispatches whose fair-share slot is too far off. */
  private putOffBeyondFairShare(
    items: ReadonlyArray<BatchItem<TDispatch>>,
    results: SendOutcome[],
    signal: AbortSignal,
  ): { due: Array<BatchItem<TDispatch>>; published: Promise<void> } {
    const route = this.providers.likelyRoute();
    const provider = route.provider.name;
    const { due, putOff } = this.fairShares.scheduleFresh(items, route, (item) =>
      this.retryTopicNames.has(item.event.topic),
    );
    const chunk = this.chunkResults();
    for (const { item, until } of putOff) {
      this.dependencies.counters.increment(provider, 'putOffForFairShare');
      results[item.index] = chunk.putOff(item, until, FAIR_SHARE_REASON, provider);
    }
    const published =
      chunk.retries.length > 0 ? this.finishChunk(chunk, undefined, signal) : Promise.resolve();
    return { due, published };
  }

  /** `waited`: how long the batch has waited for tokens so far, which bounds how long it may hold the partition. */
  private async sendChunk(
    items: Array<BatchItem<TDispatch>>,
    results: SendOutcome[],
    signal: AbortSignal,
    waited: BatchWait,
  ): Promise<void> {
    const { ledger, leaseMs } = this.dependencies;
    const lease = { owner: `${this.dependencies.source}:${randomUUID()}`, leaseMs };
    const chunk = this.chunkResults();
    let pending = await this.claim(items, lease, chunk, results);
    while (pending.length > 0) {
      signal.throwIfAborted();
      const { chosen, waiting, holdUntil } = this.chooseProviders(pending, chunk, results);
      const admitted = this.admitFairly(chosen, chunk, results, signal, waited.tokensMs);
      // The chunk's share of the batch's wait: until its last token came, from when all queued.
      const admittedAt = this.clock.now();
      const tokenWaits = admitted.map(({ turn }) =>
        turn.granted.then(
          () => this.clock.now() - admittedAt,
          () => 0,
        ),
      );
      if (admitted.length > 0) {
        const leased = await ledger
          .recordAttempts(
            admitted.map(({ event, route }) => ({
              messageId: event.payload.messageId,
              provider: route.provider.name,
            })),
            lease,
          )
          .catch((error: unknown) => {
            for (const item of admitted) item.turn.cancel();
            throw error;
          });
        const sendable = admitted.filter((item) => leased.has(item.event.payload.messageId));
        for (const lost of admitted.filter((item) => !leased.has(item.event.payload.messageId))) {
          lost.turn.cancel();
          results[lost.index] = { result: 'skipped', reason: 'another sender took the delivery over' };
          // A probe slot must be given back; counting it failed only delays the provider's return.
          if (lost.probe) {
            lost.route.breaker.recordFailure({
              kind: 'transient',
              code: 'lease-lost',
              reason: 'not attempted',
            });
          }
        }
        await this.sendAll(sendable, chunk, results, signal);
        waited.tokensMs += Math.max(0, ...(await Promise.all(tokenWaits)));
      }
      if (waiting.length === 0) break;
      // Every provider's circuit is open: hold consuming rather than spinning, then go on.
      await this.dependencies.holdUntil(holdUntil ?? new Date(this.clock.now() + 1000), signal);
      pending = await this.claim(waiting, lease, chunk, results);
    }
    await this.finishChunk(chunk, lease.owner, signal);
  }

  /** Records the outcomes under the chunk's lease (when it claimed any), then publishes the rest. */
  private async finishChunk(
    chunk: ChunkResults<TDispatch>,
    leaseOwner: string | undefined,
    signal: AbortSignal,
  ): Promise<void> {
    // The provider calls are made: their outcomes must be recorded before anything else, or a
    // redelivery would call the provider again. A database or broker outage is waited out here,
    // rather than failing the batch into a redelivery that would send these messages twice.
    const { ledger, outbox, log } = this.dependencies;
    if (leaseOwner !== undefined) {
      await despiteOutages(
        'record the outcomes of provider calls',
        () => ledger.recordOutcomes(chunk.outcomes, leaseOwner),
        { signal, log },
      );
    }
    await despiteOutages(
      'publish the outcomes of provider calls',
      () =>
        Promise.all([
          outbox.publishEvents(chunk.events),
          outbox.publishRetries(chunk.retries),
          outbox.publishDeadLetters(chunk.letters),
        ]),
      { signal, log },
    );
  }

  /** Claims the items; finished ones get their event again, busy ones are put off. */
  private async claim(
    items: ReadonlyArray<BatchItem<TDispatch>>,
    lease: { owner: string; leaseMs: number },
    chunk: ChunkResults<TDispatch>,
    results: SendOutcome[],
  ): Promise<Array<ClaimedItem<TDispatch>>> {
    const claims = await this.dependencies.ledger.claim(
      items.map(({ event }) => ({ messageId: event.payload.messageId, tenantId: event.payload.tenantId })),
      lease,
    );
    const claimed: Array<ClaimedItem<TDispatch>> = [];
    for (const item of items) {
      const claim = claims.get(item.event.payload.messageId);
      if (claim === undefined)
        throw new Error(`the ledger returned no claim for ${item.event.payload.messageId}`);
      if (claim.outcome === 'claimed') {
        claimed.push({ ...item, claim });
      } else if (claim.outcome === 'finished') {
        // The event again, identical, in case the earlier try stopped before publishing it.
        chunk.finished(item, claim.delivery);
        results[item.index] = {
          result: 'skipped',
          reason: claim.delivery.status === 'sent' ? 'already sent' : 'already failed',
        };
      } else {
        const reason = 'another sender is working on this delivery';
        results[item.index] = chunk.putOff(item, claim.until, reason);
      }
    }
    return claimed;
  }

  /**
   * Picks each item's provider in batch order. An item whose previous attempt may have reached a
   * provider goes to that provider or waits for it; one recipient's later items wait behind an
   * earlier one that has no provider.
   */
  private chooseProviders(
    pending: ReadonlyArray<ClaimedItem<TDispatch>>,
    chunk: ChunkResults<TDispatch>,
    results: SendOutcome[],
  ): { chosen: Array<ChosenItem<TDispatch>>; waiting: Array<ClaimedItem<TDispatch>>; holdUntil?: Date } {
    const chosen: Array<ChosenItem<TDispatch>> = [];
    const waiting: Array<ClaimedItem<TDispatch>> = [];
    const waitingRecipients = new Set<string>();
    let holdUntil: Date | undefined;
    for (const item of pending) {
      const recipient = this.dependencies.recipientOf(item.event.payload);
      if (waitingRecipients.has(recipient)) {
        waiting.push(item);
        continue;
      }
      const choice = this.providers.choose(item.claim, item.event.payload.messageId);
      chunk.circuitChanges(item, choice.transitions);
      if (choice.outcome === 'all-unavailable') {
        waiting.push(item);
        waitingRecipients.add(recipient);
        if (holdUntil === undefined || choice.retryAt < holdUntil) holdUntil = choice.retryAt;
        continue;
      }
      if (choice.outcome === 'pinned-unavailable') {
        const pinned = choice.route.provider.name;
        const reason = `provider ${pinned}, which may have received the previous attempt, is unavailable`;
        results[item.index] = chunk.putOff(item, choice.until, reason);
        chunk.stillSending(item, pinned, reason, new Date(this.clock.now()));
        continue;
      }
      const { route, probe, failedOverFrom } = choice;
      if (failedOverFrom !== undefined) {
        this.dependencies.counters.increment(route.provider.name, 'failedOver');
        chunk.event(item, 'failed-over', {
          provider: route.provider.name,
          reason: `the circuit of ${failedOverFrom} is not closed`,
          detail: { from: failedOverFrom, to: route.provider.name },
        });
      }
      chosen.push({ ...item, route, probe });
    }
    return { chosen, waiting, holdUntil };
  }

  /**
   * Each chosen dispatch takes its place in the queue for its provider's tokens, or, when its turn
   * is too far off counting what its batch has waited for tokens already (`heldMs`), is put off to a
   * retry topic without a provider call or using up an attempt, so that its partition moves on to
   * other tenants' dispatches.
   */
  private admitFairly(
    chosen: ReadonlyArray<ChosenItem<TDispatch>>,
    chunk: ChunkResults<TDispatch>,
    results: SendOutcome[],
    signal: AbortSignal,
    heldMs: number,
  ): Array<AdmittedItem<TDispatch>> {
    const { admitted, putOff } = this.fairShares.admit(chosen, heldMs, signal);
    for (const { item, until } of putOff) {
      const provider = item.route.provider.name;
      this.dependencies.counters.increment(provider, 'putOffForFairShare');
      chunk.stillSending(item, item.claim.pinnedProvider, FAIR_SHARE_REASON, new Date(this.clock.now()));
      results[item.index] = chunk.putOff(item, until, FAIR_SHARE_REASON, provider);
    }
    return admitted;
  }

  /** Sends concurrently, one recipient's dispatches one after another. */
  private async sendAll(
    chosen: ReadonlyArray<AdmittedItem<TDispatch>>,
    chunk: ChunkResults<TDispatch>,
    results: SendOutcome[],
    signal: AbortSignal,
  ): Promise<void> {
    const byRecipient = new Map<string, Array<AdmittedItem<TDispatch>>>();
    for (const item of chosen) {
      const recipient = this.dependencies.recipientOf(item.event.payload);
      const group = byRecipient.get(recipient);
      if (group) group.push(item);
      else byRecipient.set(recipient, [item]);
    }
    await Promise.all(
      [...byRecipient.values()].map(async (group) => {
        for (const item of group) results[item.index] = await this.sendOne(item, chunk, signal);
      }),
    );
  }

  private async sendOne(
    item: AdmittedItem<TDispatch>,
    chunk: ChunkResults<TDispatch>,
    signal: AbortSignal,
  ): Promise<SendOutcome> {
    const { provider, breaker } = item.route;
    const { counters } = this.dependencies;
    const messageId = item.event.payload.messageId;
    await item.turn.granted;
    counters.increment(provider.name, 'attempts');
    const timeout = AbortSignal.timeout(this.dependencies.sendTimeoutMs);
    let sent: { providerMessageId: string; detail?: DeliveryDetail };
    try {
      sent = await provider.send(item.event.payload, {
        attempt: item.event.attempt,
        signal: AbortSignal.any([signal, timeout]),
      });
    } catch (error) {
      // Stopping: the row stays pinned to this provider and the redelivery retries it there.
      if (signal.aborted) throw error;
      return this.afterFailure(item, error, timeout.aborted, chunk);
    }
    chunk.circuitChanges(item, breaker.recordSuccess());
    counters.increment(provider.name, 'sent');
    const delivery: FinishedDelivery = {
      status: 'sent',
      provider: provider.name,
      providerMessageId: sent.providerMessageId,
      detail: sent.detail ?? {},
      finishedAt: new Date(this.clock.now()),
    };
    chunk.outcomes.push({ messageId, ...delivery });
    chunk.finished(item, delivery);
    return { result: 'sent', provider: provider.name, providerMessageId: sent.providerMessageId };
  }

  /** Records a failed call on its circuit, then does what decideAfterFailure says. */
  private afterFailure(
    item: ChosenItem<TDispatch>,
    error: unknown,
    timedOut: boolean,
    chunk: ChunkResults<TDispatch>,
  ): SendOutcome {
    const { provider, breaker } = item.route;
    const { counters, retryPolicy, retryTopics, sendTimeoutMs, channel } = this.dependencies;
    const messageId = item.event.payload.messageId;
    const attempt = item.event.attempt;
    const { failure, outcomeUnknown } = failedCallOf(provider, error, { timedOut, sendTimeoutMs });
    const transitions = breaker.recordFailure(failure);
    const now = new Date(this.clock.now());
    const reason = failureReason(failure);
    const decision = decideAfterFailure(
      { failure, attempt, firstAttemptAt: item.firstAttemptAt, now },
      {
        channel,
        retryPolicy,
        retryTopics,
        random: this.random,
        channelOutageEndsAt: () => this.providers.channelOutageEndsAt(),
      },
    );
    if (decision.action === 'fail') {
      counters.increment(provider.name, 'failed');
      const delivery: FinishedDelivery = {
        status: 'failed',
        provider: provider.name,
        reason,
        finishedAt: now,
      };
      chunk.outcomes.push({ messageId, ...delivery });
      chunk.circuitChanges(item, transitions);
      chunk.finished(item, delivery);
      return { result: 'failed', provider: provider.name, reason };
    }
    counters.increment(provider.name, 'attemptFailed');
    const pinnedProvider = outcomeUnknown ? provider.name : null;
    chunk.event(item, 'attempt-failed', {
      provider: provider.name,
      reason,
      detail: { attempt, kind: failure.kind, code: failure.code, outcomeUnknown },
    });
    chunk.circuitChanges(item, transitions);
    switch (decision.action) {
      case 'wait-for-channel':
        counters.increment(provider.name, 'retried');
        chunk.stillSending(item, pinnedProvider, reason, now);
        return chunk.putOff(item, decision.until, decision.reason);
      case 'retry':
        counters.increment(provider.name, 'retried');
        chunk.stillSending(item, pinnedProvider, reason, now);
        return chunk.retry(item, decision, provider.name, reason);
      case 'dead-letter':
        counters.increment(provider.name, 'deadLettered');
        return chunk.deadLetter(item, decision.reason, {
          provider: provider.name,
          pinnedProvider,
          failureCode: failure.code,
          at: now,
        });
    }
  }

  private chunkResults(): ChunkResults<TDispatch> {
    return new ChunkResults({
      eventFactory: this.eventFactory,
      retryTopics: this.dependencies.retryTopics,
      clock: this.clock,
    });
  }

  private firstAttemptAt(event: ConsumedEvent<TDispatch>): Date {
    const header = event.headers[HeaderName.firstAttemptAt];
    const parsed = header === undefined ? Number.NaN : Date.parse(header);
    return new Date(Number.isNaN(parsed) ? this.clock.now() : parsed);
  }
}
