import type { DeliveryEvent } from '@switchboard/contracts';
import { InMemoryRecipientStore } from './in-memory-recipient-store';
import { RemoveGoneSubscriptions } from './remove-gone-subscriptions.usecase';

const endpoint = 'https://fcm.googleapis.com/fcm/send/1';

function goneEvent(
  overrides: Partial<DeliveryEvent> = {},
  detail: DeliveryEvent['detail'] = {},
): DeliveryEvent {
  return {
    tenantId: 'acme',
    messageId: '7d4f7f1c-2f3b-4a8e-9a61-000000000001',
    type: 'attempt-failed',
    occurredAt: '2030-01-01T10:00:00.000Z',
    source: 'sender-push',
    channel: 'push',
    provider: 'web-push',
    reason: 'push service answered 410',
    detail: { reason: 'subscription-gone', endpoint, recipientId: 'ada', ...detail },
    ...overrides,
  };
}

async function setUp() {
  const store = new InMemoryRecipientStore();
  await store.upsert('acme', 'ada', {});
  await store.addPushSubscription('acme', 'ada', { endpoint, p256dh: 'p', auth: 'a' }, 20);
  return { store, remove: new RemoveGoneSubscriptions(store) };
}

describe('RemoveGoneSubscriptions', () => {
  it('removes a gone subscription once, however often its event repeats', async () => {
    const { store, remove } = await setUp();

    expect(await remove.execute([goneEvent(), goneEvent()])).toBe(1);
    expect(await remove.execute([goneEvent()])).toBe(0);

    expect((await store.find('acme', 'ada'))?.pushSubscriptions).toEqual([]);
  });

  it('leaves subscriptions alone for other failures, channels, tenants and recipients', async () => {
    const { store, remove } = await setUp();

    const removed = await remove.execute([
      goneEvent({}, { reason: 'timeout' }),
      goneEvent({ type: 'failed' }),
      goneEvent({ channel: 'email' }),
      goneEvent({ tenantId: 'globex' }),
      goneEvent({}, { recipientId: 'grace' }),
    ]);

    expect(removed).toBe(0);
    expect((await store.find('acme', 'ada'))?.pushSubscriptions).toHaveLength(1);
  });
});
