import type { DeliveryEvent, PushDispatch } from '@switchboard/contracts';
import type { BlindIndex } from '@switchboard/encryption';
import type { GoneSubscription } from '../push/web-push-provider';
import { SUBSCRIPTION_GONE } from '../push/push-delivery-decision';

export const SENDER_PUSH = 'sender-push';

/**
 * One delivery event per gone subscription, for the owner of subscriptions (the router) to remove
 * it. Typed 'attempt-failed', not 'failed': a message often reaches another device of the
 * recipient, and analytics would otherwise show a sent message as failed. Each event gets its own
 * instant, because analytics keeps one event per message, type, source and instant.
 *
 * The subscription is named by the blind index of its endpoint, never the endpoint: an endpoint is
 * a per-device capability URL (personal data), and delivery events are kept by analytics. The
 * router finds the subscription by the same index, which it keeps beside each stored endpoint.
 */
export function goneSubscriptionEvents(
  dispatch: PushDispatch,
  provider: string,
  gone: readonly GoneSubscription[],
  blindIndex: Pick<BlindIndex, 'compute'>,
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
          endpointIndex: pushEndpointIndex(blindIndex, dispatch.tenantId, subscription.endpoint),
          recipientId: dispatch.recipientId,
        },
      };
    });
}

/**
 * The index the router's push_subscriptions.endpoint_index holds for this endpoint: same tenant,
 * same kind, and the endpoint as the router stores it (as the URL parser writes it), so that any
 * spelling of the endpoint gives the stored row's index.
 */
export function pushEndpointIndex(
  blindIndex: Pick<BlindIndex, 'compute'>,
  tenantId: string,
  endpoint: string,
): string {
  return blindIndex.compute({ tenantId, kind: 'push-endpoint', value: endpointAsStored(endpoint) });
}

function endpointAsStored(endpoint: string): string {
  try {
    return new URL(endpoint).href;
  } catch {
    return endpoint;
  }
}
