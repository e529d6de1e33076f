import { MessageAcceptedTopic } from '@switchboard/contracts';
import { RecordingEventSink } from '@switchboard/testing';
import { AcceptMessages } from '../messages/accept-messages.usecase';
import { InMemoryMessageStore } from '../../test/support/in-memory-message-store';
import { InMemoryTriggerStore } from '../../test/support/in-memory-trigger-store';
import { TriggerCache } from '../triggers/trigger-cache';
import { AcceptUpstreamEvents } from './accept-upstream-events.usecase';
import type { ReceivedUpstreamEvent } from './upstream-message';

function received(
  type: string,
  offset: string,
  idempotencyKey?: string,
  tenant = 'acme',
): ReceivedUpstreamEvent {
  return {
    event: {
      type,
      tenant,
      recipient: { email: 'ada@example.com' },
      data: { orderNumber: 'A-7' },
      ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
    },
    position: { topic: 'shop.orders', partition: 0, offset },
  };
}

describe('AcceptUpstreamEvents', () => {
  let triggerStore: InMemoryTriggerStore;
  let messages: InMemoryMessageStore;
  let events: RecordingEventSink;
  let skipped: Array<Record<string, string>>;
  let acceptUpstreamEvents: AcceptUpstreamEvents;

  beforeEach(async () => {
    triggerStore = new InMemoryTriggerStore();
    for (const tenant of ['acme', 'globex']) {
      await triggerStore.create(tenant, {
        eventType: 'order.shipped',
        templateKey: 'order-shipped',
        channel: 'email',
      });
    }
    messages = new InMemoryMessageStore();
    events = new RecordingEventSink();
    skipped = [];
    acceptUpstreamEvents = new AcceptUpstreamEvents(
      new TriggerCache(triggerStore),
      new AcceptMessages(messages, events),
      new Map([['shop.orders', { topic: 'shop.orders', tenants: new Set(['acme']) }]]),
      { add: (_value, attributes) => skipped.push(attributes) },
      () => new Date('2030-01-01T00:00:00.000Z'),
    );
  });

  it('accepts an event that matches a trigger as a message with the template and the data', async () => {
    const [outcome] = await acceptUpstreamEvents.execute([received('order.shipped', '0')]);

    expect(outcome).toEqual({ outcome: 'accepted', messageId: expect.any(String) });
    expect(events.on(MessageAcceptedTopic)).toEqual([
      expect.objectContaining({
        source: 'upstream',
        content: { templateKey: 'order-shipped', data: { orderNumber: 'A-7' } },
      }),
    ]);
  });

  it('skips an event no trigger matches, counts it and publishes nothing for it', async () => {
    const outcomes = await acceptUpstreamEvents.execute([
      received('cart.abandoned', '0'),
      received('order.shipped', '1'),
    ]);

    expect(outcomes[0]).toEqual({ outcome: 'skipped', reason: 'no trigger for cart.abandoned' });
    expect(outcomes[1].outcome).toBe('accepted');
    expect(skipped).toEqual([{ topic: 'shop.orders', reason: 'no_trigger' }]);
    expect(events.on(MessageAcceptedTopic)).toHaveLength(1);
  });

  it('makes a redelivered event the same message, not a second one', async () => {
    const [first] = await acceptUpstreamEvents.execute([received('order.shipped', '5')]);
    const [again] = await acceptUpstreamEvents.execute([received('order.shipped', '5')]);

    expect(again).toEqual({ outcome: 'redelivered', messageId: (first as { messageId: string }).messageId });
    expect(messages.messages.size).toBe(1);
  });

  it('makes a re-published event with the same idempotency key the same message', async () => {
    await acceptUpstreamEvents.execute([received('order.shipped', '5', 'A-7-shipped')]);
    const [again] = await acceptUpstreamEvents.execute([received('order.shipped', '9', 'A-7-shipped')]);

    expect(again.outcome).toBe('redelivered');
    expect(messages.messages.size).toBe(1);
  });

  it('looks the triggers up once for a whole batch', async () => {
    await acceptUpstreamEvents.execute([received('order.shipped', '1'), received('order.shipped', '2')]);
    await acceptUpstreamEvents.execute([received('order.shipped', '3')]);

    expect(triggerStore.queries).toBe(1);
  });

  it('rejects an event naming a tenant its topic is not bound to, counts it, and accepts its neighbours', async () => {
    const outcomes = await acceptUpstreamEvents.execute([
      received('order.shipped', '0'),
      received('order.shipped', '1', undefined, 'globex'),
      received('order.shipped', '2'),
    ]);

    expect(outcomes[1]).toEqual({
      outcome: 'rejected',
      reason:
        'tenant-not-allowed: shop.orders does not carry events of tenant globex (INGEST_UPSTREAM_TOPICS)',
    });
    expect([outcomes[0].outcome, outcomes[2].outcome]).toEqual(['accepted', 'accepted']);
    expect(skipped).toEqual([{ topic: 'shop.orders', reason: 'tenant_not_allowed' }]);
    expect(
      events.on(MessageAcceptedTopic).map((message) => (message as { tenantId: string }).tenantId),
    ).toEqual(['acme', 'acme']);
  });

  it("does not read the triggers of a tenant the event's topic is not bound to", async () => {
    await acceptUpstreamEvents.execute([received('order.shipped', '0', undefined, 'globex')]);

    expect(triggerStore.queries).toBe(0);
  });
});
