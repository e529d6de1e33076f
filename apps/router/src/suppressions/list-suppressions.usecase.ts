import type { ListSuppressionsQuery, SuppressionPage } from '@switchboard/contracts';
import { SuppressionStore, toSuppressionView } from './suppression';
import { decodeSuppressionCursor, encodeSuppressionCursor } from './suppression-cursor';

/** A tenant's suppressions, newest first, a page at a time; addresses as stored (the tenant owns them). */
export class ListSuppressions {
  constructor(private readonly store: SuppressionStore) {}

  async execute(tenantId: string, query: ListSuppressionsQuery): Promise<SuppressionPage> {
    const beforeId = query.cursor === undefined ? undefined : decodeSuppressionCursor(query.cursor);
    // One more than asked tells whether there is a next page without a count.
    const found = await this.store.list({
      tenantId,
      ...(query.channel === undefined ? {} : { channel: query.channel }),
      ...(query.address === undefined ? {} : { address: query.address }),
      ...(beforeId === undefined ? {} : { beforeId }),
      limit: query.limit + 1,
    });
    const page = found.slice(0, query.limit);
    const last = page.at(-1);
    return {
      items: page.map(toSuppressionView),
      nextCursor: found.length > query.limit && last ? encodeSuppressionCursor(last.id) : null,
    };
  }
}
