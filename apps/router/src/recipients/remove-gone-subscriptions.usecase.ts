import type { DeliveryEvent } from '@switchboard/contracts';
import { type GoneSubscription, RecipientStore } from './recipient';
import { normalizedEndpoint } from './remove-push-subscription.usecase';

/** The reason sender-push gives in detail.reason when the push service says a subscription is gone. */
export const SUBSCRIPTION_GONE = 'subscription-gone';

/**
 * Removes the subscriptions that sender-push reported gone (404/410 from the push service), one
 * bulk delete per batch of delivery events. Removing one already removed changes nothing, so a
 * repeated event is harmless.
 */
export class RemoveGoneSubscriptions {
  constructor(private readonly store: RecipientStore) {}

  /** How many subscriptions were removed. */
  async execute(events: readonly DeliveryEvent[]): Promise<number> {
    const gone = new Map<string, GoneSubscription>();
    for (const event of events) {
      const subscription = goneSubscriptionOf(event);
      if (subscription) gone.set(JSON.stringify(subscription), subscription);
    }
    if (gone.size === 0) return 0;
    return this.store.removeGoneSubscriptions([...gone.values()]);
  }
}

/**
 * sender-push reports the gone subscription by the blind index of its endpoint (`endpointIndex`).
 * Events it wrote before that carry the `endpoint` itself; they are still accepted (they may wait on
 * the topic or be redriven), normalised as stored, and indexed by the store.
 */
export function goneSubscriptionOf(event: DeliveryEvent): GoneSubscription | undefined {
  if (event.type !== 'attempt-failed' || event.channel !== 'push') return undefined;
  const detail = event.detail ?? {};
  if (detail.reason !== SUBSCRIPTION_GONE) return undefined;
  const { endpointIndex, endpoint, recipientId } = detail;
  if (!isFilled(recipientId)) return undefined;
  const subscription = { tenantId: event.tenantId, recipientId };
  if (isFilled(endpointIndex)) return { ...subscription, endpointIndex };
  if (isFilled(endpoint)) return { ...subscription, endpoint: normalizedEndpoint(endpoint) };
  return undefined;
}

function isFilled(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}
