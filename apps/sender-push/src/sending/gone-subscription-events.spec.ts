import { DeliveryEvent, type PushDispatch } from '@switchboard/contracts';
import { goneSubscriptionEvents } from './gone-subscription-events';

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

describe('goneSubscriptionEvents', () => {
  it('reports each gone subscription with its endpoint and recipient, as valid delivery events', () => {
    const at = new Date('2026-05-01T12:00:00.000Z');
    const events = goneSubscriptionEvents(dispatch, 'web-push', [
      { endpoint: 'https://push.example.com/s/1', reason: 'HTTP 410', at },
      { endpoint: 'https://push.example.com/s/2', reason: 'HTTP 404', at },
    ]);
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
        detail: { reason: 'subscription-gone', endpoint: 'https://push.example.com/s/1', recipientId: 'ada' },
      },
      expect.objectContaining({
        // Apart by a millisecond, so that analytics keeps both.
        occurredAt: '2026-05-01T12:00:00.001Z',
        detail: { reason: 'subscription-gone', endpoint: 'https://push.example.com/s/2', recipientId: 'ada' },
      }),
    ]);
    for (const event of events) expect(DeliveryEvent.safeParse(event).success).toBe(true);
  });
});
