import {
  DeliveryEventTopic,
  type MessageAccepted,
  MessageAcceptedTopic,
  MessageAcceptedTopics,
} from '@switchboard/contracts';
import { RecordingEventSink } from '@switchboard/testing';
import { AcceptMessages } from './accept-messages.usecase';
import { InMemoryMessageStore } from '../../test/support/in-memory-message-store';

function message(overrides: Partial<MessageAccepted> = {}): MessageAccepted {
  return {
    tenantId: 'acme',
    messageId: '00000000-0000-4000-8000-000000000001',
    acceptedAt: '2030-01-01T10:00:00.000Z',
    source: 'http',
    recipient: { email: 'ada@example.com' },
    content: { subject: 'Hello', text: 'Hi Ada' },
    priority: 'normal',
    ...overrides,
  };
}

describe('AcceptMessages', () => {
  let store: InMemoryMessageStore;
  let events: RecordingEventSink;
  let acceptMessages: AcceptMessages;

  beforeEach(() => {
    store = new InMemoryMessageStore();
    events = new RecordingEventSink();
    acceptMessages = new AcceptMessages(store, events);
  });

  it('stores a new message and publishes it as accepted with an accepted delivery event', async () => {
    const outcomes = await acceptMessages.execute([{ message: message() }]);

    expect(outcomes.get(message().messageId)).toBe('accepted');
    expect(store.messages.size).toBe(1);
    expect(events.on(MessageAcceptedTopic)).toEqual([message()]);
    expect(events.on(DeliveryEventTopic)).toEqual([
      {
        tenantId: 'acme',
        messageId: message().messageId,
        type: 'accepted',
        occurredAt: '2030-01-01T10:00:00.000Z',
        source: 'ingest',
      },
    ]);
  });

  it('publishes a redelivered message again as first stored, without storing it twice', async () => {
    await acceptMessages.execute([{ message: message() }]);
    const outcomes = await acceptMessages.execute([{ message: message({ priority: 'high' }) }]);

    expect(outcomes.get(message().messageId)).toBe('redelivered');
    expect(store.messages.size).toBe(1);
    expect(events.on(MessageAcceptedTopic)).toEqual([message(), message()]);
    const occurredAt = events.on(DeliveryEventTopic).map((event) => event.occurredAt);
    expect(new Set(occurredAt).size).toBe(1);
  });

  it('hands each message on in the lane of its own priority, one without a priority in the normal lane', async () => {
    const messageId = (last: number) => `00000000-0000-4000-8000-00000000001${last}`;
    const bulk = message({ messageId: messageId(1), priority: 'bulk' });
    const high = message({ messageId: messageId(2), priority: 'high' });
    const unset = message({ messageId: messageId(3), priority: undefined });

    await acceptMessages.execute([{ message: bulk }, { message: high }, { message: unset }]);

    expect(events.on(MessageAcceptedTopics.bulk)).toEqual([bulk]);
    expect(events.on(MessageAcceptedTopics.high)).toEqual([high]);
    expect(events.on(MessageAcceptedTopics.normal)).toEqual([unset]);
  });

  it('treats the same message twice in one batch as one message', async () => {
    await acceptMessages.execute([{ message: message() }, { message: message() }]);

    expect(events.on(MessageAcceptedTopic)).toHaveLength(1);
  });

  it('drops a second message with an idempotency key the tenant already used, and says so', async () => {
    const first = message({ idempotencyKey: 'order-7' });
    const second = message({ idempotencyKey: 'order-7', messageId: '00000000-0000-4000-8000-000000000002' });

    const outcomes = await acceptMessages.execute([{ message: first }, { message: second }]);

    expect(outcomes.get(second.messageId)).toBe('duplicate');
    expect(store.messages.size).toBe(1);
    expect(events.on(MessageAcceptedTopic)).toEqual([first]);
    expect(events.on(DeliveryEventTopic)).toContainEqual(
      expect.objectContaining({
        messageId: second.messageId,
        type: 'duplicate',
        reason: 'idempotency key "order-7" was already used by another http message',
      }),
    );
  });

  it('keeps the same idempotency key apart across tenants', async () => {
    const outcomes = await acceptMessages.execute([
      { message: message({ idempotencyKey: 'order-7' }) },
      {
        message: message({
          idempotencyKey: 'order-7',
          tenantId: 'globex',
          messageId: '00000000-0000-4000-8000-000000000002',
        }),
      },
    ]);

    expect([...outcomes.values()]).toEqual(['accepted', 'accepted']);
  });
});
