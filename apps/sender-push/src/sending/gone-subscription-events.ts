import type { DeliveryEvent, PushDispatch } from '@switchboard/contracts';
import type { GoneSubscription } from '../push/web-push-provider';
import { SUBSCRIPTION_GONE } from '../push/push-delivery-decision';

export const SENDER_PUSH = 'sender-push';

/**
 * One delivery event per gone subscription, for the owner of subscriptions (the router) to remove
 * it. Typed 'attempt-failed', not 'failed': a message often reaches another device of the
 * recipient, and analytics would otherwise show a sent message as failed. Each event gets its own
 * instant, because analytics keeps one event per message, type, source and instant.
 */
export function goneSubscriptionEvents(
  dispatch: PushDispatch,
  provider: string,
  gone: readonly GoneSubscription[],
): DeliveryEvent[] {
  let previous = Number.NEGATIVE_INFINITY;
  return [...gone]
    .sort((a, b) => a.at.getTime() - b.at.getTime())
    .map((subscription) => {
      const at = Math.max(subscription.at.getTime(), previous + 1);
      previous = at;
      return {
        tenantId: dispatch.tenantId,
        messageId: dispatch.messageId,
        type: 'attempt-failed',
        occurredAt: new Date(at).toISOString(),
        source: SENDER_PUSH,
        channel: 'push',
        provider,
        reason: subscription.reason,
        detail: {
          reason: SUBSCRIPTION_GONE,
          endpoint: subscription.endpoint,
          recipientId: dispatch.recipientId,
        },
      };
    });
}
