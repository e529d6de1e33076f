import type { DeliveryEvent, InappDispatch } from '@switchboard/contracts';
import type { InboxStore, StoredInboxItem } from './inbox-store';
import { StoreInboxItemsUsecase } from './store-inbox-items.usecase';

const storedAt = new Date('2030-01-01T12:00:00.000Z');

function dispatch(messageId: string): InappDispatch {
  return { tenantId: 'acme', messageId, recipientId: 'ada', title: 'Hello', body: 'Hi' };
}

function stored(item: InappDispatch, createdAt: Date): StoredInboxItem {
  return { ...item, sequence: '1', actionUrl: null, data: null, createdAt, readAt: null, archivedAt: null };
}

/** Keeps items in memory the way the table does: one per (tenant, message id). */
function memoryStore(): InboxStore {
  const items = new Map<string, StoredInboxItem>();
  return {
    storeAll: async (dispatches, createdAt) => {
      const inserted: StoredInboxItem[] = [];
      const existing: StoredInboxItem[] = [];
      for (const item of dispatches) {
        const key = `${item.tenantId}:${item.messageId}`;
        const found = items.get(key);
        if (found) existing.push(found);
        else {
          const row = stored(item, createdAt);
          items.set(key, row);
          inserted.push(row);
        }
      }
      return { inserted, existing };
    },
  } as InboxStore;
}

describe('StoreInboxItemsUsecase', () => {
  it('announces only new items and reports each message sent once, at the time it was stored', async () => {
    const store = memoryStore();
    const events: DeliveryEvent[] = [];
    const announced: string[] = [];
    let now = storedAt;
    const storeItems = new StoreInboxItemsUsecase({
      store,
      recordEvents: async (batch) => void events.push(...batch),
      announceNewItems: async (items) => void announced.push(...items.map((item) => item.messageId)),
      now: () => now,
    });
    await storeItems.execute([dispatch('m1')]);
    now = new Date('2030-01-01T12:05:00.000Z');

    const results = await storeItems.execute([dispatch('m1'), dispatch('m2'), dispatch('m2')]);

    expect(results.map((result) => result.result)).toEqual(['skipped', 'stored', 'skipped']);
    expect(announced).toEqual(['m1', 'm2']);
    // The redelivered m1 repeats its identical event, which analytics keeps once.
    expect(events.map((event) => [event.messageId, event.occurredAt])).toEqual([
      ['m1', '2030-01-01T12:00:00.000Z'],
      ['m1', '2030-01-01T12:00:00.000Z'],
      ['m2', '2030-01-01T12:05:00.000Z'],
    ]);
    expect(events[2]).toEqual({
      tenantId: 'acme',
      messageId: 'm2',
      type: 'sent',
      occurredAt: '2030-01-01T12:05:00.000Z',
      source: 'sender-inapp',
      channel: 'inapp',
      provider: 'inbox',
    });
  });
});
