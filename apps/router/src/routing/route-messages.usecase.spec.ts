import { DeliveryEventTopic, type MessageAccepted, RenderRequestedTopics } from '@switchboard/contracts';
import { RecordingEventSink } from '@switchboard/testing';
import { InMemoryRecipientStore } from '../../test/support/in-memory-recipient-store';
import { InMemorySuppressionStore } from '../../test/support/in-memory-suppression-store';
import { InMemoryDecisionStore } from '../../test/support/in-memory-decision-store';
import { loadFactsWithoutPolicy } from './load-policy-facts';
import { RouteMessages } from './route-messages.usecase';

const now = new Date('2030-01-01T12:00:00.000Z');

// The messages here are high priority, so their render requests go to the high lane.

function message(overrides: Partial<MessageAccepted> = {}): MessageAccepted {
  return {
    tenantId: 'acme',
    messageId: '00000000-0000-4000-8000-000000000001',
    acceptedAt: '2030-01-01T11:59:59.000Z',
    source: 'http',
    recipient: { email: 'ada@example.com' },
    content: { templateKey: 'welcome', data: { name: 'Ada' } },
    priority: 'high',
    ...overrides,
  };
}

describe('RouteMessages', () => {
  let decisions: InMemoryDecisionStore;
  let suppressions: InMemorySuppressionStore;
  let recipients: InMemoryRecipientStore;
  let events: RecordingEventSink;
  let clock: Date;
  let routeMessages: RouteMessages;

  beforeEach(() => {
    decisions = new InMemoryDecisionStore();
    suppressions = new InMemorySuppressionStore();
    recipients = new InMemoryRecipientStore();
    events = new RecordingEventSink();
    clock = now;
    routeMessages = new RouteMessages(decisions, loadFactsWithoutPolicy(suppressions, recipients), events, {
      now: () => clock,
    });
  });

  it('routes a message to rendering with its acceptance time, and records a routed event', async () => {
    await routeMessages.execute([message()]);

    expect(events.on(RenderRequestedTopics.high)).toEqual([
      {
        tenantId: 'acme',
        messageId: message().messageId,
        acceptedAt: '2030-01-01T11:59:59.000Z',
        channel: 'email',
        address: 'ada@example.com',
        priority: 'high',
        content: { templateKey: 'welcome', data: { name: 'Ada' } },
      },
    ]);
    expect(events.on(DeliveryEventTopic)).toEqual([
      {
        tenantId: 'acme',
        messageId: message().messageId,
        type: 'routed',
        occurredAt: now.toISOString(),
        source: 'router',
        channel: 'email',
        detail: { messageType: 'default' },
      },
    ]);
    expect(decisions.decisions.get(message().messageId)?.decision).toBe('routed');
  });

  it('skips a message to a suppressed address, whatever its case, and renders nothing', async () => {
    await suppressions.add('acme', { channel: 'email', address: 'ADA@example.com', reason: 'hard bounce' });

    await routeMessages.execute([message()]);

    expect(events.on(RenderRequestedTopics.high)).toEqual([]);
    expect(events.on(DeliveryEventTopic)).toEqual([
      expect.objectContaining({ type: 'skipped', reason: 'suppressed: hard bounce' }),
    ]);
  });

  it("applies the suppression of the message's category when the address has several", async () => {
    await suppressions.add('acme', {
      channel: 'email',
      address: 'ada@example.com',
      reason: 'unsubscribed from alerts',
      category: 'alert',
    });
    await suppressions.add('acme', {
      channel: 'email',
      address: 'ada@example.com',
      reason: 'unsubscribed from receipts',
      category: 'transactional',
    });

    await routeMessages.execute([message()]);

    expect(events.on(RenderRequestedTopics.high)).toEqual([]);
    expect(events.on(DeliveryEventTopic)).toEqual([
      expect.objectContaining({
        type: 'skipped',
        rule: 'suppressed',
        reason: 'suppressed: unsubscribed from receipts',
      }),
    ]);
  });

  it("does not apply another tenant's suppression", async () => {
    await suppressions.add('globex', { channel: 'email', address: 'ada@example.com', reason: 'hard bounce' });

    await routeMessages.execute([message()]);

    expect(events.on(RenderRequestedTopics.high)).toHaveLength(1);
  });

  it('defers a message scheduled for later and keeps the message to decide again once due', async () => {
    await routeMessages.execute([message({ sendAt: '2030-01-01T13:00:00.000Z' })]);

    expect(events.on(RenderRequestedTopics.high)).toEqual([]);
    expect(events.on(DeliveryEventTopic)).toEqual([
      expect.objectContaining({
        type: 'deferred',
        rule: 'scheduled',
        reason: 'scheduled for 2030-01-01T13:00:00.000Z',
      }),
    ]);
    const schedule = decisions.schedules.get(message().messageId);
    expect(schedule?.dueAt).toEqual(new Date('2030-01-01T13:00:00.000Z'));
    expect(schedule?.message).toEqual(message({ sendAt: '2030-01-01T13:00:00.000Z' }));
  });

  it('keeps the first decision of a redelivered message and publishes it again unchanged', async () => {
    await routeMessages.execute([message()]);
    clock = new Date('2030-01-01T12:05:00.000Z');
    await suppressions.add('acme', { channel: 'email', address: 'ada@example.com', reason: 'hard bounce' });

    const outcomes = await routeMessages.execute([message()]);

    expect(outcomes.get(message().messageId)).toMatchObject({
      redelivered: true,
      decision: { decision: 'routed' },
    });
    expect(events.on(RenderRequestedTopics.high)).toHaveLength(2);
    const [first, again] = events.on(DeliveryEventTopic);
    expect(again).toEqual(first);
  });

  it('does not render a redelivered message whose first decision was to skip it', async () => {
    await suppressions.add('acme', { channel: 'email', address: 'ada@example.com', reason: 'hard bounce' });
    await routeMessages.execute([message()]);
    suppressions.suppressions.clear();

    await routeMessages.execute([message()]);

    expect(events.on(RenderRequestedTopics.high)).toEqual([]);
  });

  it('does not schedule a redelivered message a second time', async () => {
    await routeMessages.execute([message({ sendAt: '2030-01-01T13:00:00.000Z' })]);
    const schedule = decisions.schedules.get(message().messageId);
    if (schedule) schedule.releasedAt = clock;

    await routeMessages.execute([message({ sendAt: '2030-01-01T13:00:00.000Z' })]);

    expect(decisions.schedules.get(message().messageId)?.releasedAt).toBe(clock);
  });
  describe('channel choice', () => {
    const subscription = {
      endpoint: 'https://push.example.com/send/abc',
      p256dh: 'BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM',
      auth: 'tBHItJI5svbpez7KI4CCXg',
    };

    async function storeRecipient(changes: { email?: string; phone?: string }, withPush = false) {
      await recipients.upsert('acme', 'user-42', changes);
      if (withPush) await recipients.addPushSubscription('acme', 'user-42', subscription, 5);
    }

    it('sends to the stored phone number of a recipient known only by id', async () => {
      await storeRecipient({ phone: '+14155550123' });

      await routeMessages.execute([message({ recipient: { id: 'user-42' }, channels: ['email', 'sms'] })]);

      expect(events.on(RenderRequestedTopics.high)).toEqual([
        expect.objectContaining({ channel: 'sms', address: '+14155550123', recipientId: 'user-42' }),
      ]);
    });

    it('takes the default order with only the contact points the recipient has', async () => {
      await storeRecipient({ phone: '+14155550123' });

      await routeMessages.execute([message({ recipient: { id: 'user-42' } })]);

      // The id alone gives the in-app inbox, which comes before sms in the default order.
      expect(events.on(RenderRequestedTopics.high)).toEqual([
        expect.objectContaining({ channel: 'inapp', address: 'user-42' }),
      ]);
      expect(decisions.decisions.get(message().messageId)?.renderRequests.map((r) => r.channel)).toEqual([
        'inapp',
        'sms',
      ]);
    });

    it('prefers push when the message asks for push first and the recipient has a subscription', async () => {
      await storeRecipient({ email: 'ada@example.com' }, true);

      await routeMessages.execute([message({ recipient: { id: 'user-42' }, channels: ['push', 'email'] })]);

      expect(events.on(RenderRequestedTopics.high)).toEqual([
        expect.objectContaining({
          channel: 'push',
          address: 'user-42',
          pushSubscriptions: [
            {
              endpoint: subscription.endpoint,
              keys: { p256dh: subscription.p256dh, auth: subscription.auth },
            },
          ],
        }),
      ]);
      expect(events.on(DeliveryEventTopic)).toEqual([
        expect.objectContaining({ type: 'routed', channel: 'push' }),
      ]);
    });

    it('lets an inline address win over the stored one', async () => {
      await storeRecipient({ email: 'old@example.com' });

      await routeMessages.execute([
        message({ recipient: { id: 'user-42', email: 'new@example.com' }, channels: ['email'] }),
      ]);

      expect(events.on(RenderRequestedTopics.high)).toEqual([
        expect.objectContaining({ address: 'new@example.com' }),
      ]);
    });

    it('falls to the next channel when the email address is suppressed', async () => {
      await storeRecipient({ email: 'ada@example.com', phone: '+14155550123' });
      await suppressions.add('acme', { channel: 'email', address: 'ada@example.com', reason: 'hard bounce' });

      await routeMessages.execute([message({ recipient: { id: 'user-42' }, channels: ['email', 'sms'] })]);

      expect(events.on(RenderRequestedTopics.high)).toEqual([expect.objectContaining({ channel: 'sms' })]);
    });

    it('skips a message no channel can take, naming why for each channel', async () => {
      await suppressions.add('acme', { channel: 'email', address: 'ada@example.com', reason: 'hard bounce' });

      await routeMessages.execute([
        message({ recipient: { email: 'ada@example.com' }, channels: ['email', 'sms', 'push'] }),
      ]);

      expect(events.on(RenderRequestedTopics.high)).toEqual([]);
      expect(events.on(DeliveryEventTopic)).toEqual([
        expect.objectContaining({
          type: 'skipped',
          reason: 'email: suppressed: hard bounce; sms: no phone number; push: no push subscription',
        }),
      ]);
    });

    it("sends on every available channel under the 'all' policy", async () => {
      await storeRecipient({ email: 'ada@example.com', phone: '+14155550123' });

      await routeMessages.execute([
        message({ recipient: { id: 'user-42' }, channels: ['sms', 'push', 'email'], channelPolicy: 'all' }),
      ]);

      expect(
        events.on(RenderRequestedTopics.high).map((request) => [request.channel, request.address]),
      ).toEqual([
        ['sms', '+14155550123'],
        ['email', 'ada@example.com'],
      ]);
    });
  });
});
