import type { DeliveryEvent, InboxItem, UpdateInboxItemRequest } from '@switchboard/contracts';
import { InboxError } from './inbox-error';
import { inboxItemView } from './inbox-item-view';
import type { InboxOwner, InboxStore, StoredInboxItem } from './inbox-store';
import { INBOX_PROVIDER, SENDER_NAME } from './store-inbox-items.usecase';

export interface UpdateInboxItemDependencies {
  store: InboxStore;
  recordEvents(events: DeliveryEvent[]): Promise<void>;
}

/**
 * Marks an item read or unread, archives or restores it. The first read ever and each move into
 * the archive are reported as delivery events; repeating a change reports nothing more.
 */
export class UpdateInboxItemUsecase {
  constructor(private readonly dependencies: UpdateInboxItemDependencies) {}

  async execute(owner: InboxOwner, messageId: string, change: UpdateInboxItemRequest): Promise<InboxItem> {
    const updated = await this.dependencies.store.update(owner, messageId, change);
    // Someone else's message answers the same as a missing one, so ids cannot be probed.
    if (updated === undefined) {
      throw new InboxError('INBOX_ITEM_NOT_FOUND', `message ${messageId} is not in this inbox`);
    }
    const events: DeliveryEvent[] = [];
    if (updated.firstRead && updated.item.readAt)
      events.push(stepEvent(updated.item, 'read', updated.item.readAt));
    if (updated.archived && updated.item.archivedAt) {
      events.push(stepEvent(updated.item, 'archived', updated.item.archivedAt));
    }
    if (events.length > 0) await this.dependencies.recordEvents(events);
    return inboxItemView(updated.item);
  }
}

function stepEvent(item: StoredInboxItem, type: 'read' | 'archived', at: Date): DeliveryEvent {
  return {
    tenantId: item.tenantId,
    messageId: item.messageId,
    type,
    occurredAt: at.toISOString(),
    source: SENDER_NAME,
    channel: 'inapp',
    provider: INBOX_PROVIDER,
  };
}
