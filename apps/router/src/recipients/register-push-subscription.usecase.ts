import type { RecipientView } from '@switchboard/contracts';
import type { PushEndpointPolicy } from '@switchboard/security';
import { notFound } from './get-recipient.usecase';
import { RecipientStore, toRecipientView } from './recipient';
import { RecipientError } from './recipient-error';

/**
 * The most push subscriptions one recipient keeps (browsers and devices). Registering one more
 * drops the oldest rather than refusing: a browser that re-subscribes cannot remove its old
 * subscription itself, and the oldest is the likeliest to be gone already.
 */
export const PUSH_SUBSCRIPTION_LIMIT = 20;

/** Stores a browser's push subscription once the endpoint policy allows its endpoint and keys. */
export class RegisterPushSubscription {
  constructor(
    private readonly store: RecipientStore,
    private readonly policy: PushEndpointPolicy,
    private readonly limit = PUSH_SUBSCRIPTION_LIMIT,
  ) {}

  async execute(
    tenantId: string,
    recipientId: string,
    subscription: unknown,
  ): Promise<{ recipient: RecipientView; created: boolean }> {
    const checked = await this.policy.validateSubscription(subscription);
    if (!checked.ok) {
      throw new RecipientError(
        'PUSH_SUBSCRIPTION_REFUSED',
        'the push subscription may not be used',
        checked.problems,
      );
    }
    const { endpoint, keys } = checked.value;
    const registration = await this.store.addPushSubscription(
      tenantId,
      recipientId,
      { endpoint, p256dh: keys.p256dh, auth: keys.auth },
      this.limit,
    );
    if (registration.outcome === 'recipient-not-found') throw notFound(recipientId);
    return { recipient: toRecipientView(registration.recipient), created: registration.created };
  }
}
