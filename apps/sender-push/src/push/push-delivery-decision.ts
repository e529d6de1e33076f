import { maskPersonalData, type ProviderFailure } from '@switchboard/delivery';

/** How one subscription of a dispatch answered. */
export type SubscriptionOutcome =
  | {
      endpoint: string;
      outcome: 'accepted';
      /** The push message resource (RFC 8030 Location). */ location?: string;
    }
  | { endpoint: string; outcome: 'failed'; failure: ProviderFailure };

export interface PushDeliveryCounts {
  subscriptions: number;
  accepted: number;
  /** Answered 404 or 410: unsubscribed or expired, to be removed. */
  gone: number;
  /** Neither accepted nor gone: refused endpoints, push service errors, timeouts. */
  failed: number;
}

export type PushDeliveryDecision =
  | { result: 'sent'; providerMessageId: string; counts: PushDeliveryCounts }
  | { result: 'failed'; failure: ProviderFailure; counts: PushDeliveryCounts };

export const SUBSCRIPTION_GONE = 'subscription-gone';

/**
 * One push per recipient, however many devices: it is sent when any subscription accepted it.
 * When none did, a retry is worth it only if some subscription failed for a reason that may pass
 * (a 5xx, a timeout, a 429); otherwise it failed for good, as 'subscription-gone' when every
 * subscription is gone, so the router can tell "no devices left" from a refused push.
 */
export function decidePushDelivery(
  messageId: string,
  outcomes: readonly SubscriptionOutcome[],
): PushDeliveryDecision {
  if (outcomes.length === 0) throw new RangeError('a push dispatch has at least one subscription');
  const failures = outcomes.flatMap((outcome) => (outcome.outcome === 'failed' ? [outcome.failure] : []));
  const accepted = outcomes.flatMap((outcome) => (outcome.outcome === 'accepted' ? [outcome] : []));
  const gone = failures.filter((failure) => failure.code === SUBSCRIPTION_GONE).length;
  const counts: PushDeliveryCounts = {
    subscriptions: outcomes.length,
    accepted: accepted.length,
    gone,
    failed: failures.length - gone,
  };
  if (accepted.length > 0) {
    return { result: 'sent', providerMessageId: accepted[0].location ?? messageId, counts };
  }

  const reason = summarise(failures);
  const retryable = failures.filter((failure) => failure.kind !== 'permanent');
  if (retryable.length > 0) {
    const transient = retryable.find((failure) => failure.kind === 'transient');
    if (transient)
      return { result: 'failed', failure: { kind: 'transient', code: transient.code, reason }, counts };
    // Only throttled: wait as long as the most demanding push service asked.
    const waits = retryable.flatMap((failure) =>
      failure.retryAfterMs === undefined ? [] : [failure.retryAfterMs],
    );
    return {
      result: 'failed',
      failure: {
        kind: 'throttled',
        code: retryable[0].code,
        reason,
        ...(waits.length > 0 ? { retryAfterMs: Math.max(...waits) } : {}),
      },
      counts,
    };
  }
  const refusal = failures.find((failure) => failure.code !== SUBSCRIPTION_GONE);
  return {
    result: 'failed',
    failure: { kind: 'permanent', code: refusal?.code ?? SUBSCRIPTION_GONE, reason },
    counts,
  };
}

/** "2 subscriptions failed: subscription-gone (HTTP 410), http-503 (HTTP 503: busy)": each distinct failure once. */
function summarise(failures: readonly ProviderFailure[]): string {
  const distinct = [...new Set(failures.map((failure) => `${failure.code} (${failure.reason})`))];
  const subscriptions = failures.length === 1 ? 'subscription' : 'subscriptions';
  return maskPersonalData(`${failures.length} ${subscriptions} failed: ${distinct.join(', ')}`);
}
