import type { InboxPage, ListInboxQuery } from '@switchboard/contracts';
import { decodeInboxCursor, encodeInboxCursor } from './inbox-cursor';
import { inboxItemView } from './inbox-item-view';
import type { InboxOwner, InboxStore } from './inbox-store';

/** One page of a recipient's inbox, newest first, with the cursor of the next page if there is one. */
export class ListInboxUsecase {
  constructor(private readonly store: InboxStore) {}

  async execute(owner: InboxOwner, query: ListInboxQuery): Promise<InboxPage> {
    const beforeSequence = query.cursor === undefined ? undefined : decodeInboxCursor(query.cursor);
    // One more than asked for tells whether another page follows without a second query.
    const items = await this.store.list(owner, {
      status: query.status,
      limit: query.limit + 1,
      beforeSequence,
    });
    const page = items.slice(0, query.limit);
    const hasMore = items.length > query.limit;
    return {
      items: page.map(inboxItemView),
      nextCursor: hasMore ? encodeInboxCursor(page[page.length - 1].sequence) : null,
    };
  }
}
