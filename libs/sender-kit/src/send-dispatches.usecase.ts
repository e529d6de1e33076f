import { randomUUID } from 'node:crypto';
import {
  HeaderName,
  type ChannelName,
  type DeliveryEvent,
  type DeliveryEventTypeName,
  type PriorityName,
} from '@switchboard/contracts';
import {
  retryTierFor,
  systemClock,
  type CircuitBreaker,
  type CircuitTransition,
  type Clock,
  type ProviderFailover,
  type ProviderFailure,
  type Random,
  type RetryPolicy,
} from '@switchboard/delivery';
import type { ConsumedEvent, DeadLetter, MessagingLog } from '@switchboard/messaging';
import type { ChannelProvider, DeliveryDetail } from './channel-provider';
import type { DeliveryCounters } from './delivery-counters';
import { despiteOutages } from './despite-outages';
import { FairShare, type Turn } from './fair-share';
import { interleaveByTenant } from './interleave-by-tenant';
import type { DeliveryClaim, DeliveryLedger, DeliveryOutcome, FinishedDelivery } from './delivery-ledger';

/** What a provider's rate limit needs to offer (SharedRateLimiter, TokenBucket adapters). */
export interface RateLimiter {
  readonly ratePerSecond: number;
  readonly burst: number;
  /** Tokens this replica holds and has not handed out yet, when the limiter leases them. */
  readonly leasedTokens?: number;
  /** Tokens of the burst that only high priority may take, when the limiter holds some back. */
  readonly reservedTokens?: number;
  /** Only 'high' may take the share of the limit held back for high priority. */
  acquire(count: number, signal?: AbortSignal, options?: { priority?: PriorityName }): Promise<void>;
  /** How long `count` tokens are from being there, without waiting; a hint for putting dispatches off. */
  estimateWaitMs?(count: number, options?: { priority?: PriorityName }): number;
}

/** One configured provider with its circuit breaker and rate limit. */
export interface ProviderRoute<TDispatch> {
  provider: ChannelProvider<TDispatch>;
  breaker: CircuitBreaker;
  rateLimiter: RateLimiter;
}

export interface RetryTopic {
  /** The smallest delay this topic is meant for (RETRY_TIER_DELAY_MS). */
  delayMs: number;
  topic: string;
}

/** The same payload again, on a retry topic, not to be sent before `notBefore`. */
export interface ScheduledRetry<TDispatch> {
  topic: string;
  payload: TDispatch;
  attempt: number;
  notBefore: Date;
  firstAttemptAt: Date;
}

/** Where the outcomes go; the channel sender publishes them, tests keep them. */
export interface SenderOutbox<TDispatch> {
  publishEvents(events: DeliveryEvent[]): Promise<void>;
  publishRetries(retries: Array<ScheduledRetry<TDispatch>>): Promise<void>;
  publishDeadLetters(letters: DeadLetter[]): Promise<void>;
}

export interface Dispatch {
  tenantId: string;
  messageId: string;
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

export type SendOutcome =
  | { result: 'sent'; provider: string; providerMessageId: string }
  | { result: 'failed'; provider: string; reason: string }
  | { result: 'retry-scheduled'; notBefore: Date; topic: string; reason: string }
  | { result: 'dead-lettered'; reason: string }
  | { result: 'skipped'; reason: string };

interface Item<TDispatch> {
  index: number;
  event: ConsumedEvent<TDispatch>;
  firstAttemptAt: Date;
  priority: PriorityName;
}

interface Claimed<TDispatch> extends Item<TDispatch> {
  claim: Extract<DeliveryClaim, { outcome: 'claimed' }>;
}

interface Chosen<TDispatch> extends Claimed<TDispatch> {
  route: ProviderRoute<TDispatch>;
  probe: boolean;
}

interface Admitted<TDispatch> extends Chosen<TDispatch> {
  turn: Turn;
}

/** What one chunk produced, written and published together at its end. */
interface ChunkResults<TDispatch> {
  outcomes: DeliveryOutcome[];
  events: DeliveryEvent[];
  retries: Array<ScheduledRetry<TDispatch>>;
  letters: DeadLetter[];
}

// Errors after which the request may have reached the provider: the outcome is unknown.
const OUTCOME_UNKNOWN_CODES = new Set([
  'TimeoutError',
  'AbortError',
  'ETIMEDOUT',
  'ECONNRESET',
  'EPIPE',
  'RequestTimeout',
]);
const MAX_DEAD_LETTER_ERROR_LENGTH = 2000;
export const FAIR_SHARE_REASON = 'rate-limited: fair share';

/** A failure after which the provider may still have sent the message (no answer was read). */
export function mayHaveBeenSent(failure: ProviderFailure): boolean {
  return OUTCOME_UNKNOWN_CODES.has(failure.code);
}

/**
 * Sends a batch of one channel's dispatches, each at most once and by at most one provider (see
 * the README's "Send" rules): claim in the ledger, pick a provider whose circuit lets a call
 * through, take a turn at its rate limit (or be put off to keep to the tenants' fair shares, see
 * FairShare), call, then record the outcome and publish the delivery events, retries and
 * dead letters. The dispatches go `concurrency` at a time, the batch's tenants taking turns; each
 * such chunk is claimed in one statement, its attempts recorded in one and its outcomes in one.
 */
export class SendDispatchesUsecase<TDispatch extends Dispatch> {
  private readonly clock: Clock;
  private readonly random: Random;
  private readonly routeIndex = new Map<string, number>();
  private readonly routes: ReadonlyArray<ProviderRoute<TDispatch>>;
  private readonly fairShares = new Map<ProviderRoute<TDispatch>, FairShare>();
  private readonly retryTopicNames: ReadonlySet<string>;
  /** Circuit changes seen while working on one message, so they land on its timeline. */
  private observedTransitions: CircuitTransition[] | undefined;

  constructor(private readonly dependencies: SendDispatchesDependencies<TDispatch>) {
    this.clock = dependencies.clock ?? systemClock;
    this.random = dependencies.random ?? Math.random;
    this.routes = dependencies.failover.candidates;
    this.retryTopicNames = new Set(dependencies.retryTopics.map((tier) => tier.topic));
    this.routes.forEach((route, index) => {
      this.routeIndex.set(route.provider.name, index);
      this.fairShares.set(
        route,
        new FairShare({
          rateLimiter: route.rateLimiter,
          maxWaitMs: dependencies.fairShareMaxWaitMs ?? Number.POSITIVE_INFINITY,
          clock: this.clock,
        }),
      );
      route.breaker.onTransition((transition) => {
        dependencies.log?.(transition.to === 'closed' ? 'info' : 'warn', 'provider circuit changed', {
          provider: transition.provider,
          from: transition.from,
          to: transition.to,
          reason: transition.reason,
          detail: transition.detail,
        });
        this.observedTransitions?.push(transition);
      });
    });
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
    const items: Array<Item<TDispatch>> = [];
    events.forEach((event, index) => {
      const messageId = event.payload.messageId;
      if (firstIndexOf.has(messageId)) {
        results[index] = { result: 'skipped', reason: 'the same message came earlier in the batch' };
        return;
      }
      firstIndexOf.set(messageId, index);
      items.push({ index, event, firstAttemptAt: this.firstAttemptAt(event), priority });
    });
    const startedAt = this.clock.now();
    const tenantsInTurn = interleaveByTenant(items, (item) => item.event.payload.tenantId);
    const { due, published } = this.putOffBeyondFairShare(tenantsInTurn, results, signal);
    // The put-off dispatches are published while the due ones are sent: neither waits for the other.
    const sent = (async () => {
      for (let start = 0; start < due.length; start += concurrency) {
        await this.sendChunk(due.slice(start, start + concurrency), results, signal, startedAt);
      }
    })();
    await Promise.all([published, sent]);
    return results;
  }

  /**
   * Takes each fresh dispatch's slot in its tenant's schedule for the provider it is likely to go
   * to (the first whose circuit is closed), and puts off at once, unclaimed, those whose slot is too
   * far off (see FairShare): a batch of one tenant's backlog then moves on at the pace of a publish,
   * not of the provider's rate, and other tenants' dispatches behind it in the partition come soon.
   * A dispatch back from a retry topic comes at its time; it is only checked for its turn.
   */
  private putOffBeyondFairShare(
    items: ReadonlyArray<Item<TDispatch>>,
    results: SendOutcome[],
    signal: AbortSignal,
  ): { due: Array<Item<TDispatch>>; published: Promise<void> } {
    const route = this.routes.find((candidate) => candidate.breaker.state === 'closed') ?? this.routes[0];
    const fairShare = this.fairShares.get(route) as FairShare;
    const provider = route.provider.name;
    const chunk: ChunkResults<TDispatch> = { outcomes: [], events: [], retries: [], letters: [] };
    const due: Array<Item<TDispatch>> = [];
    for (const item of items) {
      const slot = this.retryTopicNames.has(item.event.topic)
        ? ({ due: true } as const)
        : fairShare.schedule(item.event.payload.tenantId, item.priority);
      if (slot.due) {
        due.push(item);
        continue;
      }
      this.dependencies.counters.increment(provider, 'putOffForFairShare');
      results[item.index] = this.putOff(item, slot.until, FAIR_SHARE_REASON, chunk, provider);
    }
    const published =
      chunk.retries.length > 0 ? this.finishChunk(chunk, undefined, signal) : Promise.resolve();
    return { due, published };
  }

  /** `startedAt`: when the batch began, which bounds how long its dispatches may hold the partition. */
  private async sendChunk(
    items: Array<Item<TDispatch>>,
    results: SendOutcome[],
    signal: AbortSignal,
    startedAt: number,
  ): Promise<void> {
    const { ledger, leaseMs } = this.dependencies;
    const lease = { owner: `${this.dependencies.source}:${randomUUID()}`, leaseMs };
    const chunk: ChunkResults<TDispatch> = { outcomes: [], events: [], retries: [], letters: [] };
    let pending = await this.claim(items, lease, chunk, results);
    while (pending.length > 0) {
      signal.throwIfAborted();
      const { chosen, waiting, holdUntil } = this.chooseProviders(pending, chunk, results);
      const admitted = this.admitFairly(chosen, chunk, results, signal, startedAt);
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
    items: ReadonlyArray<Item<TDispatch>>,
    lease: { owner: string; leaseMs: number },
    chunk: ChunkResults<TDispatch>,
    results: SendOutcome[],
  ): Promise<Array<Claimed<TDispatch>>> {
    const claims = await this.dependencies.ledger.claim(
      items.map(({ event }) => ({ messageId: event.payload.messageId, tenantId: event.payload.tenantId })),
      lease,
    );
    const claimed: Array<Claimed<TDispatch>> = [];
    for (const item of items) {
      const claim = claims.get(item.event.payload.messageId);
      if (claim === undefined)
        throw new Error(`the ledger returned no claim for ${item.event.payload.messageId}`);
      if (claim.outcome === 'claimed') {
        claimed.push({ ...item, claim });
      } else if (claim.outcome === 'finished') {
        // The event again, identical, in case the earlier try stopped before publishing it.
        chunk.events.push(this.finishedEvent(item, claim.delivery));
        results[item.index] = {
          result: 'skipped',
          reason: claim.delivery.status === 'sent' ? 'already sent' : 'already failed',
        };
      } else {
        const reason = 'another sender is working on this delivery';
        results[item.index] = this.putOff(item, claim.until, reason, chunk);
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
    pending: ReadonlyArray<Claimed<TDispatch>>,
    chunk: ChunkResults<TDispatch>,
    results: SendOutcome[],
  ): { chosen: Array<Chosen<TDispatch>>; waiting: Array<Claimed<TDispatch>>; holdUntil?: Date } {
    const chosen: Array<Chosen<TDispatch>> = [];
    const waiting: Array<Claimed<TDispatch>> = [];
    const waitingRecipients = new Set<string>();
    let holdUntil: Date | undefined;
    for (const item of pending) {
      const recipient = this.dependencies.recipientOf(item.event.payload);
      if (waitingRecipients.has(recipient)) {
        waiting.push(item);
        continue;
      }
      const pinned = item.claim.pinnedProvider;
      const pinnedIndex = pinned === null ? undefined : this.routeIndex.get(pinned);
      if (pinned !== null && pinnedIndex === undefined) {
        this.dependencies.log?.('warn', 'the provider of an unanswered attempt is no longer configured', {
          provider: pinned,
          messageId: item.event.payload.messageId,
        });
      }
      if (pinnedIndex !== undefined) {
        const route = this.routes[pinnedIndex];
        const probe = route.breaker.state === 'half-open';
        const { value: acquired, transitions } = this.observe(() => route.breaker.tryAcquire());
        this.circuitEvents(item, transitions, chunk);
        if (acquired) {
          chosen.push({ ...item, route, probe });
        } else {
          // Failing over could send the message twice: it waits for its own provider instead.
          const until = route.breaker.snapshot().openUntil ?? new Date(this.clock.now() + 1000);
          const reason = `provider ${route.provider.name}, which may have received the previous attempt, is unavailable`;
          results[item.index] = this.putOff(item, until, reason, chunk);
          chunk.outcomes.push({
            messageId: item.event.payload.messageId,
            status: 'sending',
            pinnedProvider: pinned,
            reason,
            at: new Date(this.clock.now()),
          });
        }
        continue;
      }
      const { value: choice, transitions } = this.observe(() => this.dependencies.failover.choose());
      this.circuitEvents(item, transitions, chunk);
      if (choice.outcome === 'all-unavailable') {
        waiting.push(item);
        waitingRecipients.add(recipient);
        if (holdUntil === undefined || choice.retryAt < holdUntil) holdUntil = choice.retryAt;
        continue;
      }
      const route = choice.candidate;
      const previous = item.claim.lastProvider ?? this.routes[0].provider.name;
      const previousIndex = this.routeIndex.get(previous) ?? 0;
      if (choice.skipped > previousIndex) {
        this.dependencies.counters.increment(route.provider.name, 'failedOver');
        chunk.events.push(
          this.event(item, 'failed-over', {
            provider: route.provider.name,
            reason: `the circuit of ${previous} is not closed`,
            detail: { from: previous, to: route.provider.name },
          }),
        );
      }
      chosen.push({ ...item, route, probe: choice.probe });
    }
    return { chosen, waiting, holdUntil };
  }

  /**
   * Each chosen dispatch takes its place in the queue for its provider's tokens, or, when its turn
   * is too far off counting from its batch's start, is put off to a retry topic without a provider
   * call or using up an attempt, so that its partition moves on to other tenants' dispatches.
   */
  private admitFairly(
    chosen: ReadonlyArray<Chosen<TDispatch>>,
    chunk: ChunkResults<TDispatch>,
    results: SendOutcome[],
    signal: AbortSignal,
    startedAt: number,
  ): Array<Admitted<TDispatch>> {
    const admitted: Array<Admitted<TDispatch>> = [];
    const heldMs = Math.max(0, this.clock.now() - startedAt);
    for (const item of chosen) {
      const fairShare = this.fairShares.get(item.route) as FairShare;
      const admission = fairShare.admit(item.event.payload.tenantId, item.priority, signal, {
        heldMs,
        mustWait: item.probe,
      });
      if (admission.admitted) {
        admitted.push({ ...item, turn: admission.turn });
        continue;
      }
      const provider = item.route.provider.name;
      this.dependencies.counters.increment(provider, 'putOffForFairShare');
      chunk.outcomes.push({
        messageId: item.event.payload.messageId,
        status: 'sending',
        pinnedProvider: item.claim.pinnedProvider,
        reason: FAIR_SHARE_REASON,
        at: new Date(this.clock.now()),
      });
      results[item.index] = this.putOff(item, admission.until, FAIR_SHARE_REASON, chunk, provider);
    }
    return admitted;
  }

  /** Sends concurrently, one recipient's dispatches one after another. */
  private async sendAll(
    chosen: ReadonlyArray<Admitted<TDispatch>>,
    chunk: ChunkResults<TDispatch>,
    results: SendOutcome[],
    signal: AbortSignal,
  ): Promise<void> {
    const byRecipient = new Map<string, Array<Admitted<TDispatch>>>();
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
    item: Admitted<TDispatch>,
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
    const { transitions } = this.observe(() => breaker.recordSuccess());
    this.circuitEvents(item, transitions, chunk);
    counters.increment(provider.name, 'sent');
    const delivery: FinishedDelivery = {
      status: 'sent',
      provider: provider.name,
      providerMessageId: sent.providerMessageId,
      detail: sent.detail ?? {},
      finishedAt: new Date(this.clock.now()),
    };
    chunk.outcomes.push({ messageId, ...delivery });
    chunk.events.push(this.finishedEvent(item, delivery));
    return { result: 'sent', provider: provider.name, providerMessageId: sent.providerMessageId };
  }

  private afterFailure(
    item: Chosen<TDispatch>,
    error: unknown,
    timedOut: boolean,
    chunk: ChunkResults<TDispatch>,
  ): SendOutcome {
    const { provider, breaker } = item.route;
    const { counters, retryPolicy, retryTopics } = this.dependencies;
    const messageId = item.event.payload.messageId;
    const classified = provider.classify(error);
    const failure: ProviderFailure = timedOut
      ? {
          kind: 'transient',
          code: 'TimeoutError',
          reason: `no answer within ${this.dependencies.sendTimeoutMs} ms`,
        }
      : classified;
    const { transitions } = this.observe(() => breaker.recordFailure(failure));
    const now = new Date(this.clock.now());
    const reason = `${failure.code}: ${failure.reason}`;
    if (failure.kind === 'permanent') {
      counters.increment(provider.name, 'failed');
      const delivery: FinishedDelivery = {
        status: 'failed',
        provider: provider.name,
        reason,
        finishedAt: now,
      };
      chunk.outcomes.push({ messageId, ...delivery });
      this.circuitEvents(item, transitions, chunk);
      chunk.events.push(this.finishedEvent(item, delivery));
      return { result: 'failed', provider: provider.name, reason };
    }
    counters.increment(provider.name, 'attemptFailed');
    const unknownOutcome =
      timedOut || (provider.mayHaveBeenSent?.(error, failure) ?? mayHaveBeenSent(failure));
    const pinnedProvider = unknownOutcome ? provider.name : null;
    const attempt = item.event.attempt;
    chunk.events.push(
      this.event(item, 'attempt-failed', {
        provider: provider.name,
        reason,
        detail: { attempt, kind: failure.kind, code: failure.code, outcomeUnknown: unknownOutcome },
      }),
    );
    this.circuitEvents(item, transitions, chunk);
    // Every provider of the channel is down: an outage, not this message's failure. It waits for a
    // provider to come back without using up an attempt or its age, however long that takes.
    const channelBackAt = this.channelOutageEndsAt();
    if (channelBackAt !== undefined) {
      counters.increment(provider.name, 'retried');
      chunk.outcomes.push({ messageId, status: 'sending', pinnedProvider, reason, at: now });
      const waitReason = `every ${this.dependencies.channel} provider is unavailable (last failure ${reason})`;
      return this.putOff(item, channelBackAt, waitReason, chunk);
    }
    const decision = retryPolicy.decideRetry({
      attempt,
      firstAttemptAt: item.firstAttemptAt,
      now,
      failure,
      random: this.random,
    });
    if (decision.action === 'retry') {
      counters.increment(provider.name, 'retried');
      const tier = retryTierFor(decision.delayMs, retryTopics);
      chunk.outcomes.push({ messageId, status: 'sending', pinnedProvider, reason, at: now });
      chunk.retries.push({
        topic: tier.topic,
        payload: item.event.payload,
        attempt: attempt + 1,
        notBefore: decision.notBefore,
        firstAttemptAt: item.firstAttemptAt,
      });
      chunk.events.push(
        this.event(item, 'retry-scheduled', {
          provider: provider.name,
          reason,
          detail: {
            attempt: attempt + 1,
            delayMs: decision.delayMs,
            tier: tier.topic,
            notBefore: decision.notBefore.toISOString(),
          },
        }),
      );
      return { result: 'retry-scheduled', notBefore: decision.notBefore, topic: tier.topic, reason };
    }
    counters.increment(provider.name, 'deadLettered');
    const giveUp = `${decision.reason}: ${decision.detail}`;
    chunk.outcomes.push({ messageId, status: 'dead-lettered', pinnedProvider, reason: giveUp, at: now });
    chunk.letters.push(this.deadLetter(item, giveUp, attempt));
    chunk.events.push(
      this.event(item, 'dead-lettered', {
        provider: provider.name,
        reason: giveUp,
        detail: { attempts: attempt, lastFailure: failure.code },
      }),
    );
    return { result: 'dead-lettered', reason: giveUp };
  }

  /** No provider call this time: the dispatch waits on a retry topic, its attempt not used up. */
  private putOff(
    item: Item<TDispatch>,
    until: Date,
    reason: string,
    chunk: ChunkResults<TDispatch>,
    provider?: string,
  ): SendOutcome {
    const delayMs = Math.max(0, until.getTime() - this.clock.now());
    const tier = retryTierFor(delayMs, this.dependencies.retryTopics);
    chunk.retries.push({
      topic: tier.topic,
      payload: item.event.payload,
      attempt: item.event.attempt,
      notBefore: until,
      firstAttemptAt: item.firstAttemptAt,
    });
    chunk.events.push(
      this.event(item, 'retry-scheduled', {
        ...(provider === undefined ? {} : { provider }),
        reason,
        detail: { attempt: item.event.attempt, delayMs, tier: tier.topic, notBefore: until.toISOString() },
      }),
    );
    return { result: 'retry-scheduled', notBefore: until, topic: tier.topic, reason };
  }

  /** When the first open circuit lets probes through, if no provider's circuit is closed; else undefined. */
  private channelOutageEndsAt(): Date | undefined {
    const circuits = this.routes.map((route) => route.breaker.snapshot());
    if (circuits.some((circuit) => circuit.state === 'closed')) return undefined;
    const reopenTimes = circuits
      .map((circuit) => circuit.openUntil?.getTime())
      .filter((time): time is number => time !== undefined);
    return new Date(reopenTimes.length > 0 ? Math.min(...reopenTimes) : this.clock.now() + 1000);
  }

  private observe<T>(work: () => T): { value: T; transitions: CircuitTransition[] } {
    const previous = this.observedTransitions;
    const transitions: CircuitTransition[] = [];
    this.observedTransitions = transitions;
    try {
      return { value: work(), transitions };
    } finally {
      this.observedTransitions = previous;
    }
  }

  private circuitEvents(
    item: Item<TDispatch>,
    transitions: CircuitTransition[],
    chunk: ChunkResults<TDispatch>,
  ): void {
    for (const transition of transitions) {
      chunk.events.push(
        this.event(item, 'circuit-changed', {
          provider: transition.provider,
          reason: transition.reason,
          detail: {
            provider: transition.provider,
            from: transition.from,
            to: transition.to,
            why: transition.detail,
          },
          occurredAt: transition.at,
        }),
      );
    }
  }

  private finishedEvent(item: Item<TDispatch>, delivery: FinishedDelivery): DeliveryEvent {
    return delivery.status === 'sent'
      ? this.event(item, 'sent', {
          provider: delivery.provider,
          detail: { ...delivery.detail, providerMessageId: delivery.providerMessageId },
          occurredAt: delivery.finishedAt,
        })
      : this.event(item, 'failed', {
          ...(delivery.provider === null ? {} : { provider: delivery.provider }),
          reason: delivery.reason,
          occurredAt: delivery.finishedAt,
        });
  }

  private event(
    item: Item<TDispatch>,
    type: DeliveryEventTypeName,
    fields: { provider?: string; reason?: string; detail?: DeliveryDetail; occurredAt?: Date },
  ): DeliveryEvent {
    const { occurredAt, ...rest } = fields;
    return {
      tenantId: item.event.payload.tenantId,
      messageId: item.event.payload.messageId,
      type,
      occurredAt: (occurredAt ?? new Date(this.clock.now())).toISOString(),
      source: this.dependencies.source,
      channel: this.dependencies.channel,
      ...rest,
    };
  }

  /**
   * Dead letters keep the key, the value as it was written (personal fields sealed) and headers,
   * plus where the dispatch came from and why.
   */
  private deadLetter(item: Item<TDispatch>, reason: string, attempts: number): DeadLetter {
    const { event } = item;
    return {
      key: event.key === null ? null : Buffer.from(event.key),
      value: event.value,
      headers: {
        ...event.headers,
        [HeaderName.originalTopic]: event.topic,
        [HeaderName.originalPartition]: String(event.partition),
        [HeaderName.originalOffset]: event.offset,
        [HeaderName.error]: reason.slice(0, MAX_DEAD_LETTER_ERROR_LENGTH),
        [HeaderName.attempts]: String(attempts),
      },
    };
  }

  private firstAttemptAt(event: ConsumedEvent<TDispatch>): Date {
    const header = event.headers[HeaderName.firstAttemptAt];
    const parsed = header === undefined ? Number.NaN : Date.parse(header);
    return new Date(Number.isNaN(parsed) ? this.clock.now() : parsed);
  }
}
