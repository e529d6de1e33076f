import type { ChannelName } from '@switchboard/contracts';
import { retryTierFor, type ProviderFailure, type Random, type RetryPolicy } from '@switchboard/delivery';
import type { ChannelProvider } from './channel-provider';
import type { RetryTopic } from './dispatch-batch';

// Errors after which the request may have reached the provider: the outcome is unknown.
const OUTCOME_UNKNOWN_CODES = new Set([
  'TimeoutError',
  'AbortError',
  'ETIMEDOUT',
  'ECONNRESET',
  'EPIPE',
  'RequestTimeout',
]);

/** A failure after which the provider may still have sent the message (no answer was read). */
export function mayHaveBeenSent(failure: ProviderFailure): boolean {
  return OUTCOME_UNKNOWN_CODES.has(failure.code);
}

/** A failed provider call as the sender sees it. */
export interface FailedCall {
  failure: ProviderFailure;
  /**
   * The provider may have sent the message: the delivery stays pinned to it, so that no other
   * provider sends it a second time. Never for a permanent failure (the provider answered).
   */
  outcomeUnknown: boolean;
}

/** What went wrong with a call: a call that ran out of time is a transient failure of unknown outcome. */
export function failedCallOf<TDispatch>(
  provider: ChannelProvider<TDispatch>,
  error: unknown,
  call: { timedOut: boolean; sendTimeoutMs: number },
): FailedCall {
  const classified = provider.classify(error);
  const failure: ProviderFailure = call.timedOut
    ? { kind: 'transient', code: 'TimeoutError', reason: `no answer within ${call.sendTimeoutMs} ms` }
    : classified;
  if (failure.kind === 'permanent') return { failure, outcomeUnknown: false };
  const outcomeUnknown =
    call.timedOut || (provider.mayHaveBeenSent?.(error, failure) ?? mayHaveBeenSent(failure));
  return { failure, outcomeUnknown };
}

/** The reason recorded for a failure, on the delivery row and its events. */
export function failureReason(failure: ProviderFailure): string {
  return `${failure.code}: ${failure.reason}`;
}

export type FailureDecision =
  /** The provider refused this message for good. */
  | { action: 'fail' }
  /** Every provider of the channel is down: the dispatch waits, its attempt not used up. */
  | { action: 'wait-for-channel'; until: Date; reason: string }
  | { action: 'retry'; attempt: number; delayMs: number; notBefore: Date; tier: RetryTopic }
  | { action: 'dead-letter'; reason: string };

export interface FailureRules {
  channel: ChannelName;
  retryPolicy: RetryPolicy;
  retryTopics: readonly RetryTopic[];
  random: Random;
  /** When a provider of the channel lets calls through again, if none does now (asked after the failure is recorded). */
  channelOutageEndsAt(): Date | undefined;
}

/** After a failed call: fail the delivery, wait out the channel's outage, retry on a tier, or give up. */
export function decideAfterFailure(
  call: { failure: ProviderFailure; attempt: number; firstAttemptAt: Date; now: Date },
  rules: FailureRules,
): FailureDecision {
  const { failure, attempt, firstAttemptAt, now } = call;
  if (failure.kind === 'permanent') return { action: 'fail' };
  // Every provider of the channel is down: an outage, not this message's failure. It waits for a
  // provider to come back without using up an attempt or its age, however long that takes.
  const channelBackAt = rules.channelOutageEndsAt();
  if (channelBackAt !== undefined) {
    const reason = `every ${rules.channel} provider is unavailable (last failure ${failureReason(failure)})`;
    return { action: 'wait-for-channel', until: channelBackAt, reason };
  }
  const decision = rules.retryPolicy.decideRetry({
    attempt,
    firstAttemptAt,
    now,
    failure,
    random: rules.random,
  });
  if (decision.action === 'retry') {
    return {
      action: 'retry',
      attempt: attempt + 1,
      delayMs: decision.delayMs,
      notBefore: decision.notBefore,
      tier: retryTierFor(decision.delayMs, rules.retryTopics),
    };
  }
  return { action: 'dead-letter', reason: `${decision.reason}: ${decision.detail}` };
}
