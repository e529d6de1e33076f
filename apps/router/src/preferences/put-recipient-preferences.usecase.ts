import type { RecipientPreferences, RecipientPreferencesView } from '@switchboard/contracts';
import { notFound } from '../recipients/get-recipient.usecase';
import { PreferenceStore, toPreferencesView } from './preference';

export class PutRecipientPreferences {
  constructor(private readonly store: PreferenceStore) {}

  /** Replaces every preference: a field left out of the request goes back to its default. */
  async execute(
    tenantId: string,
    recipientId: string,
    preferences: RecipientPreferences,
  ): Promise<RecipientPreferencesView> {
    const stored = await this.store.put(tenantId, recipientId, preferences);
    if (!stored) throw notFound(recipientId);
    return toPreferencesView(stored);
  }
}
