import {
  ContractValidationError,
  type RecipientView,
  type UpsertRecipientRequest,
} from '@switchboard/contracts';
import { RecipientStore, toRecipientView } from './recipient';
import { cleanProfile, wholeProfile } from './recipient-profile';

/**
 * Creates a recipient or replaces its profile (PUT): a field left out is cleared. Push
 * subscriptions and preferences are not part of the profile and stay.
 */
export class UpsertRecipient {
  constructor(private readonly store: RecipientStore) {}

  async execute(
    tenantId: string,
    recipientId: string,
    request: UpsertRecipientRequest,
  ): Promise<{ recipient: RecipientView; created: boolean }> {
    const cleaned = cleanProfile(request);
    if (!cleaned.ok) throw new ContractValidationError('request body', cleaned.problems);
    const { recipient, created } = await this.store.upsert(
      tenantId,
      recipientId,
      wholeProfile(cleaned.changes),
    );
    return { recipient: toRecipientView(recipient), created };
  }
}
