import type { ChannelName, RemoveSuppressionQuery } from '@switchboard/contracts';
import { SuppressionStore } from './suppression';
import { SuppressionError } from './suppression-error';

/**
 * Removes the suppression of an address for a category, or without one the suppression of every
 * category; narrowed to a source, it leaves a suppression something else added (a bounce stays
 * when the person replies START).
 */
export class RemoveSuppression {
  constructor(private readonly store: SuppressionStore) {}

  async execute(
    tenantId: string,
    channel: ChannelName,
    address: string,
    query: RemoveSuppressionQuery,
  ): Promise<void> {
    const removed = await this.store.remove({
      tenantId,
      channel,
      address,
      ...(query.category === undefined ? {} : { category: query.category }),
      ...(query.source === undefined ? {} : { source: query.source }),
    });
    if (!removed) {
      const scope = query.category === undefined ? 'every category' : `category ${query.category}`;
      const added = query.source === undefined ? '' : ` added by ${query.source}`;
      throw new SuppressionError(
        'SUPPRESSION_NOT_FOUND',
        `no ${channel} suppression of this address for ${scope}${added}`,
      );
    }
  }
}
