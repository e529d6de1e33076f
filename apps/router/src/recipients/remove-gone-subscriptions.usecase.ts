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

export function goneSubscriptionOf(event: DeliveryEvent): GoneSubscription | undefined {
  if (event.type !== 'attempt-failed' || event.channel !== 'push') return undefined;
  const detail = event.detail ?? {};
  if (detail.reason !== SUBSCRIPTION_GONE) return undefined;
  const { endpoint, recipientId } = detail;
  if (
    typeof endpoint !== 'string' ||
    endpoint === '' ||
    typeof recipientId !== 'string' ||
    recipientId === ''
  )
    return undefined;
  return { tenantId: event.tenantId, recipientId, endpoint: normalizedEndpoint(endpoint) };
}
