import type { InboxItem } from '@switchboard/contracts';
import type { StoredInboxItem } from './inbox-store';

/** What the end-user API shows of a stored item: no tenant, recipient or sequence. */
export function inboxItemView(item: StoredInboxItem): InboxItem {
  return {
    messageId: item.messageId,
    title: item.title,
    body: item.body,
    ...(item.actionUrl === null ? {} : { actionUrl: item.actionUrl }),
    ...(item.data === null ? {} : { data: item.data }),
    createdAt: item.createdAt.toISOString(),
    readAt: item.readAt?.toISOString() ?? null,
    archivedAt: item.archivedAt?.toISOString() ?? null,
  };
}
