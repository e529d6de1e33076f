import type { DeliveryEvent, InappDispatch } from '@switchboard/contracts';
import type { InboxStore, StoredInboxItem } from './inbox-store';

export const SENDER_NAME = 'sender-inapp';
/** The in-app channel has no outside provider: the inbox table is where it delivers. */
export const INBOX_PROVIDER = 'inbox';

export type StoreInboxItemResult =
  | { result: 'stored'; item: StoredInboxItem }
  | { result: 'skipped'; reason: 'already stored'; item: StoredInboxItem };

export interface StoreInboxItemsDependencies {
  store: InboxStore;
  /** Publishes the delivery events of a batch together. */
  recordEvents(events: DeliveryEvent[]): Promise<void>;
  /** Tells connected clients about the items just stored. */
  announceNewItems(items: StoredInboxItem[]): Promise<void>;
  now?: () => Date;
}

/**
 * Stores a batch of in-app dispatches in one statement, once per (tenant, message id), then
 * announces the new items to live streams and publishes a 'sent' event per item. A redelivered
 * dispatch finds its item stored: it is not announced again, but its 'sent' event is published
 * again, identical (same time), in case the earlier try stopped before publishing it.
 */
export class StoreInboxItemsUsecase {
  private readonly now: () => Date;

  constructor(private readonly dependencies: StoreInboxItemsDependencies) {
    this.now = dependencies.now ?? (() => new Date());
  }

  /** The result of each dispatch, in the order given. */
  async execute(dispatches: readonly InappDispatch[]): Promise<StoreInboxItemResult[]> {
    const { store } = this.dependencies;
    const { inserted, existing } = await store.storeAll(dispatches, this.now());
    await this.dependencies.announceNewItems(inserted);

    const insertedKeys = new Set(inserted.map(keyOf));
    const byKey = new Map([...existing, ...inserted].map((item) => [keyOf(item), item]));
    const reported = new Set<string>();
    const events: DeliveryEvent[] = [];
    const results = dispatches.map((dispatch): StoreInboxItemResult => {
      const key = keyOf(dispatch);
      const item = byKey.get(key);
      if (item === undefined)
        throw new Error(`the inbox store returned no item for message ${dispatch.messageId}`);
      if (!reported.has(key)) {
        reported.add(key);
        events.push(sentEvent(item));
        if (insertedKeys.has(key)) return { result: 'stored', item };
      }
      return { result: 'skipped', reason: 'already stored', item };
    });
    await this.dependencies.recordEvents(events);
    return results;
  }
}

function keyOf(item: { tenantId: string; messageId: string }): string {
  return `${item.tenantId}:${item.messageId}`;
}

function sentEvent(item: StoredInboxItem): DeliveryEvent {
  return {
    tenantId: item.tenantId,
    messageId: item.messageId,
    type: 'sent',
    occurredAt: item.createdAt.toISOString(),
    source: SENDER_NAME,
    channel: 'inapp',
    provider: INBOX_PROVIDER,
  };
}
