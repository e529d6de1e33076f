import type { InboxUnreadCount } from '@switchboard/contracts';
import type { InboxOwner, InboxStore } from './inbox-store';

/** The badge number: unread items still in the inbox (archived ones do not count). */
export class CountUnreadUsecase {
  constructor(private readonly store: InboxStore) {}

  async execute(owner: InboxOwner): Promise<InboxUnreadCount> {
    return { unread: await this.store.countUnread(owner) };
  }
}
