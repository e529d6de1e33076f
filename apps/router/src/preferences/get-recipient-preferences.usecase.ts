import type { RecipientPreferencesView } from '@switchboard/contracts';
import { notFound } from '../recipients/get-recipient.usecase';
import { PreferenceStore, toPreferencesView } from './preference';

export class GetRecipientPreferences {
  constructor(private readonly store: PreferenceStore) {}

  /** A recipient who has set none gets the defaults with `updatedAt: null`. */
  async execute(tenantId: string, recipientId: string): Promise<RecipientPreferencesView> {
    const stored = await this.store.find(tenantId, recipientId);
    if (!stored) throw notFound(recipientId);
    return toPreferencesView(stored);
  }
}
