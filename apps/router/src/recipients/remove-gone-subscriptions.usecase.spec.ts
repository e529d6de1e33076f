import { randomBytes } from 'node:crypto';
import type { DeliveryEvent } from '@switchboard/contracts';
import { BlindIndex } from '@switchboard/encryption';
import { InMemoryRecipientStore } from '../../test/support/in-memory-recipient-store';
import { RemoveGoneSubscriptions } from './remove-gone-subscriptions.usecase';

const endpoint = 'https://fcm.googleapis.com/fcm/send/1';
const blindIndex = new BlindIndex(randomBytes(32));
const endpointIndex = (value: string, tenantId = 'acme') =>
  blindIndex.compute({ tenantId, kind: 'push-endpoint', value });

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
    detail: {
      reason: 'subscription-gone',
      endpointIndex: endpointIndex(endpoint),
      recipientId: 'ada',
      ...detail,
    },
    ...overrides,
  };
}

/** As sender-push wrote them before it reported the blind index. */
function goneEventWithEndpoint(reportedEndpoint: string): DeliveryEvent {
  return goneEvent({
    detail: { reason: 'subscription-gone', endpoint: reportedEndpoint, recipientId: 'ada' },
  });
}

async function setUp() {
  const store = new InMemoryRecipientStore(undefined, blindIndex);
  await store.upsert('acme', 'ada', {});
  await store.addPushSubscription('acme', 'ada', { endpoint, p256dh: 'p', auth: 'a' }, 20);
  return { store, remove: new RemoveGoneSubscriptions(store) };
}

describe('RemoveGoneSubscriptions', () => {
  it('removes a subscription reported by the blind index of its endpoint, once however often its event repeats', async () => {
    const { store, remove } = await setUp();

    expect(await remove.execute([goneEvent(), goneEvent()])).toBe(1);
    expect(await remove.execute([goneEvent()])).toBe(0);

    expect((await store.find('acme', 'ada'))?.pushSubscriptions).toEqual([]);
  });

  it('still removes a subscription reported by an older event that carries the endpoint, however it is spelled', async () => {
    const { store, remove } = await setUp();

    expect(await remove.execute([goneEventWithEndpoint('HTTPS://FCM.googleapis.com:443/fcm/send/1')])).toBe(
      1,
    );

    expect((await store.find('acme', 'ada'))?.pushSubscriptions).toEqual([]);
  });

  it('leaves subscriptions alone for other failures, channels, tenants, recipients and endpoints', async () => {
    const { store, remove } = await setUp();

    const removed = await remove.execute([
      goneEvent({}, { reason: 'timeout' }),
      goneEvent({ type: 'failed' }),
      goneEvent({ channel: 'email' }),
      goneEvent({ tenantId: 'globex' }),
      goneEvent({}, { recipientId: 'grace' }),
      goneEvent({}, { endpointIndex: endpointIndex('https://fcm.googleapis.com/fcm/send/2') }),
      // An index is bound to its tenant: another tenant's index of the same endpoint differs.
      goneEvent({}, { endpointIndex: endpointIndex(endpoint, 'globex') }),
      goneEvent({ detail: { reason: 'subscription-gone', recipientId: 'ada' } }),
    ]);

    expect(removed).toBe(0);
    expect((await store.find('acme', 'ada'))?.pushSubscriptions).toHaveLength(1);
  });
});
