import { DeliveryEventTopic } from '@switchboard/contracts';
import { RecordingEventSink } from '@switchboard/testing';
import { CancelMessage } from './cancel-message.usecase';
import { InMemoryCancellationStore } from '../../test/support/in-memory-cancellation-store';

const messageId = '00000000-0000-4000-8000-000000000001';
const acme = { tenantId: 'acme', messageId };

describe('CancelMessage', () => {
  const cancelledAt = new Date('2030-01-01T12:00:00.000Z');
  let store: InMemoryCancellationStore;
  let events: RecordingEventSink;
  let cancelMessage: CancelMessage;

  beforeEach(() => {
    store = new InMemoryCancellationStore();
    events = new RecordingEventSink();
    cancelMessage = new CancelMessage(store, events, () => cancelledAt);
  });

  it('cancels a waiting message once, with one cancelled event naming the rule', async () => {
    store.messages.set(`acme/${messageId}`, { decision: 'deferred' });

    expect(await cancelMessage.execute(acme)).toEqual({ messageId, status: 'cancelled' });
    expect(await cancelMessage.execute(acme)).toEqual({ messageId, status: 'cancelled' });

    expect(events.on(DeliveryEventTopic)).toEqual([
      {
        tenantId: 'acme',
        messageId,
        type: 'cancelled',
        occurredAt: cancelledAt.toISOString(),
        source: 'router',
        rule: 'cancelled',
        reason: 'cancelled by the tenant',
      },
    ]);
  });

  it.each([
    ['routed', { decision: 'routed' as const }],
    ['skipped', { decision: 'skipped' as const }],
    ['released', { decision: 'deferred' as const, released: true }],
  ])('refuses with 409 MESSAGE_ALREADY_SENT when the message was %s', async (_, state) => {
    store.messages.set(`acme/${messageId}`, state);

    await expect(cancelMessage.execute(acme)).rejects.toMatchObject({
      status: 409,
      code: 'MESSAGE_ALREADY_SENT',
    });
    expect(events.on(DeliveryEventTopic)).toEqual([]);
  });

  it('answers cancelled again, without an event, for a message routing ended cancelled', async () => {
    store.messages.set(`acme/${messageId}`, { decision: 'cancelled' });

    expect(await cancelMessage.execute(acme)).toEqual({ messageId, status: 'cancelled' });
    expect(events.on(DeliveryEventTopic)).toEqual([]);
  });

  it('records a cancellation for routing when the router has not decided yet', async () => {
    expect(await cancelMessage.execute(acme)).toEqual({ messageId, status: 'cancelling' });

    expect(await store.findCancelled([acme])).toEqual(new Set([messageId]));
    expect(await store.findCancelled([{ tenantId: 'globex', messageId }])).toEqual(new Set());
    expect(events.on(DeliveryEventTopic)).toEqual([]);
  });
});
