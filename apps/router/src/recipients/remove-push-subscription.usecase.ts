import { RecipientStore } from './recipient';
import { RecipientError } from './recipient-error';

/** Removes one subscription of a recipient, e.g. when the user turns notifications off. */
export class RemovePushSubscription {
  constructor(private readonly store: RecipientStore) {}

  async execute(tenantId: string, recipientId: string, endpoint: string): Promise<void> {
    if (!(await this.store.removePushSubscription(tenantId, recipientId, normalizedEndpoint(endpoint)))) {
      throw new RecipientError(
        'PUSH_SUBSCRIPTION_NOT_FOUND',
        `recipient ${recipientId} has no push subscription with this endpoint`,
      );
    }
  }
}

/** Endpoints are stored as the URL parser writes them, so the same endpoint is found however written. */
export function normalizedEndpoint(endpoint: string): string {
  try {
    return new URL(endpoint).href;
  } catch {
    return endpoint;
  }
}
