import { randomBytes } from 'node:crypto';
import { DeliveryEvent, type PushDispatch } from '@switchboard/contracts';
import { BlindIndex } from '@switchboard/encryption';
import { goneSubscriptionEvents, pushEndpointIndex } from './gone-subscription-events';

const dispatch: PushDispatch = {
  tenantId: 'acme',
  messageId: '0f6b7d4e-3c52-4d8e-9a41-2b1c8e5f7a10',
  recipientId: 'ada',
  subscriptions: [
    { endpoint: 'https://push.example.com/s/1', keys: { p256dh: 'p', auth: 'a' } },
    { endpoint: 'https://push.example.com/s/2', keys: { p256dh: 'p', auth: 'a' } },
  ],
  notification: { title: 'Hi', body: '' },
  ttlSeconds: 60,
  urgency: 'normal',
};

const blindIndex = new BlindIndex(randomBytes(32));
// How the router indexes a stored endpoint (RecipientEncryption.endpointIndex).
const routerIndex = (tenantId: string, endpoint: string) =>
  blindIndex.compute({ tenantId, kind: 'push-endpoint', value: endpoint });

describe('goneSubscriptionEvents', () => {
  it('reports each gone subscription by the index the router keeps of its endpoint, as valid delivery events', () => {
    const at = new Date('2026-05-01T12:00:00.000Z');
    const events = goneSubscriptionEvents(
      dispatch,
      'web-push',
      [
        { endpoint: 'https://push.example.com/s/1', reason: 'HTTP 410', at },
        { endpoint: 'https://push.example.com/s/2', reason: 'HTTP 404', at },
      ],
      blindIndex,
    );
    expect(events).toEqual([
      {
        tenantId: 'acme',
        messageId: dispatch.messageId,
        type: 'attempt-failed',
        occurredAt: '2026-05-01T12:00:00.000Z',
        source: 'sender-push',
        channel: 'push',
        provider: 'web-push',
        reason: 'HTTP 410',
        detail: {
          reason: 'subscription-gone',
          endpointIndex: routerIndex('acme', 'https://push.example.com/s/1'),
          recipientId: 'ada',
        },
      },
      expect.objectContaining({
        // Apart by a millisecond, so that analytics keeps both.
        occurredAt: '2026-05-01T12:00:00.001Z',
        detail: {
          reason: 'subscription-gone',
          endpointIndex: routerIndex('acme', 'https://push.example.com/s/2'),
          recipientId: 'ada',
        },
      }),
    ]);
    for (const event of events) expect(DeliveryEvent.safeParse(event).success).toBe(true);
  });

  it('never puts the endpoint into an event', () => {
    const endpoint = 'https://push.example.com/s/1';
    const [event] = goneSubscriptionEvents(
      dispatch,
      'web-push',
      [{ endpoint, reason: 'HTTP 410', at: new Date() }],
      blindIndex,
    );

    expect(JSON.stringify(event)).not.toContain('push.example.com');
  });
});

describe('pushEndpointIndex', () => {
  it('gives the index of the endpoint as the router stores it, however the push service spelled it', () => {
    expect(pushEndpointIndex(blindIndex, 'acme', 'HTTPS://Push.Example.com:443/s/1')).toBe(
      routerIndex('acme', 'https://push.example.com/s/1'),
    );
  });

  it('differs between tenants, as the router’s index does', () => {
    const endpoint = 'https://push.example.com/s/1';
    expect(pushEndpointIndex(blindIndex, 'globex', endpoint)).toBe(routerIndex('globex', endpoint));
    expect(pushEndpointIndex(blindIndex, 'globex', endpoint)).not.toBe(
      pushEndpointIndex(blindIndex, 'acme', endpoint),
    );
  });
});
