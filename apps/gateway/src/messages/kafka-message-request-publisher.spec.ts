import type { MessageRequested, PriorityName } from '@switchboard/contracts';
import type { EventPublisher } from '@switchboard/messaging';
import { KafkaMessageRequestPublisher } from './kafka-message-request-publisher';

function brokerDown(): Error {
  return Object.assign(new Error('Connection error: connect ECONNREFUSED 127.0.0.1:9092'), {
    name: 'KafkaJSConnectionError',
    retriable: true,
  });
}

function setUp(failWith?: () => Error) {
  let time = 1_000_000;
  const calls: unknown[][] = [];
  const topics: Array<{ topic: string; messageIds: string[] }> = [];
  const events = {
    publishMany: async (topic: string, payloads: MessageRequested[]) => {
      calls.push(payloads);
      topics.push({ topic, messageIds: payloads.map((payload) => payload.messageId) });
      if (failWith) throw failWith();
    },
  } as unknown as EventPublisher;
  const publisher = new KafkaMessageRequestPublisher(events, 1000, () => time);
  return { publisher, calls, topics, advance: (ms: number) => (time += ms) };
}

function request(messageId: string, priority?: PriorityName): MessageRequested {
  return {
    tenantId: 'acme',
    messageId,
    acceptedAt: '2026-12-06T12:00:00.000Z',
    source: 'http',
    recipient: { id: 'user-42' },
    content: { subject: 'Hi', text: 'Hello' },
    ...(priority ? { priority } : {}),
  };
}

describe('KafkaMessageRequestPublisher', () => {
  it('publishes each request to the lane of its priority, a request without one to the normal lane', async () => {
    const test = setUp();

    await test.publisher.publish([
      request('m-bulk-1', 'bulk'),
      request('m-high', 'high'),
      request('m-default'),
      request('m-bulk-2', 'bulk'),
      request('m-normal', 'normal'),
    ]);

    expect(test.topics).toEqual(
      expect.arrayContaining([
        { topic: 'sb.messages.requested.bulk.v1', messageIds: ['m-bulk-1', 'm-bulk-2'] },
        { topic: 'sb.messages.requested.high.v1', messageIds: ['m-high'] },
        { topic: 'sb.messages.requested.v1', messageIds: ['m-default', 'm-normal'] },
      ]),
    );
    expect(test.topics).toHaveLength(3);
  });

  it('answers BROKER_UNAVAILABLE when the broker cannot be reached, then refuses at once for a second', async () => {
    const test = setUp(brokerDown);

    await expect(test.publisher.publish([request('m-1')])).rejects.toMatchObject({
      code: 'BROKER_UNAVAILABLE',
      status: 503,
    });
    expect(() => test.publisher.ensureAvailable()).toThrow(
      expect.objectContaining({ code: 'BROKER_UNAVAILABLE' }),
    );
    await expect(test.publisher.publish([request('m-1')])).rejects.toMatchObject({
      code: 'BROKER_UNAVAILABLE',
    });
    expect(test.calls).toHaveLength(1);

    test.advance(1000);
    expect(() => test.publisher.ensureAvailable()).not.toThrow();
    await expect(test.publisher.publish([request('m-1')])).rejects.toMatchObject({
      code: 'BROKER_UNAVAILABLE',
    });
    expect(test.calls).toHaveLength(2);
  });

  it('lets an error that is not the broker being unavailable through as it is, for a 500', async () => {
    const test = setUp(() => new TypeError('cannot read x of undefined'));

    await expect(test.publisher.publish([request('m-1')])).rejects.toThrow(TypeError);
    expect(() => test.publisher.ensureAvailable()).not.toThrow();
  });
});
