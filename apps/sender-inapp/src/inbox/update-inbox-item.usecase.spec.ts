import type { DeliveryEvent } from '@switchboard/contracts';
import { InboxError } from './inbox-error';
import type { InboxStore, StoredInboxItem, UpdatedInboxItem } from './inbox-store';
import { UpdateInboxItemUsecase } from './update-inbox-item.usecase';

const owner = { tenantId: 'acme', recipientId: 'ada' };
const readAt = new Date('2030-01-01T12:00:00.000Z');
const item: StoredInboxItem = {
  ...owner,
  messageId: 'f3b0c1de-0000-4000-8000-000000000001',
  sequence: '7',
  title: 'Hello',
  body: 'Hi',
  actionUrl: null,
  data: null,
  createdAt: new Date('2030-01-01T11:00:00.000Z'),
  readAt,
  archivedAt: null,
};

function updateWith(answer: UpdatedInboxItem | undefined) {
  const events: DeliveryEvent[] = [];
  const store = { update: async () => answer } as unknown as InboxStore;
  return {
    events,
    update: new UpdateInboxItemUsecase({ store, recordEvents: async (batch) => void events.push(...batch) }),
  };
}

describe('UpdateInboxItemUsecase', () => {
  it('reports the first read as a read event at the time of reading', async () => {
    const { events, update } = updateWith({ item, firstRead: true, archived: false });

    const view = await update.execute(owner, item.messageId, { read: true });

    expect(view).toMatchObject({ messageId: item.messageId, readAt: readAt.toISOString(), archivedAt: null });
    expect(events).toEqual([
      expect.objectContaining({ type: 'read', occurredAt: readAt.toISOString(), channel: 'inapp' }),
    ]);
  });

  it('reports nothing for a read that is not the first', async () => {
    const { events, update } = updateWith({ item, firstRead: false, archived: false });

    await update.execute(owner, item.messageId, { read: true });

    expect(events).toEqual([]);
  });

  it('answers 404 for a message not in this inbox', async () => {
    const { update } = updateWith(undefined);

    await expect(update.execute(owner, item.messageId, { archived: true })).rejects.toEqual(
      expect.objectContaining({ code: 'INBOX_ITEM_NOT_FOUND', status: 404 }) as InboxError,
    );
  });
});
