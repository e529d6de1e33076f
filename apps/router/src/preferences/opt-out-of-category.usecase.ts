import type { ChannelName, RecipientPreferencesView } from '@switchboard/contracts';
import { notFound } from '../recipients/get-recipient.usecase';
import { MAX_CATEGORIES, PreferenceStore, toPreferencesView } from './preference';
import { PreferenceError } from './preference-error';

/** What one-click unsubscribe does: out of one category (or one channel of it), nothing else touched. */
export class OptOutOfCategory {
  constructor(private readonly store: PreferenceStore) {}

  async execute(
    tenantId: string,
    recipientId: string,
    category: string,
    channel?: ChannelName,
  ): Promise<RecipientPreferencesView> {
    const result = await this.store.optOutOfCategory(tenantId, recipientId, category, channel);
    switch (result.outcome) {
      case 'opted-out':
        return toPreferencesView(result.stored);
      case 'recipient-not-found':
        throw notFound(recipientId);
      case 'too-many-categories':
        throw new PreferenceError(
          'PREFERENCES_REFUSED',
          `the recipient already has preferences for ${MAX_CATEGORIES} categories`,
          'category',
        );
      default:
        return exhaustive(result);
    }
  }
}

function exhaustive(result: never): never {
  throw new Error(`unhandled opt-out outcome ${JSON.stringify(result)}`);
}
