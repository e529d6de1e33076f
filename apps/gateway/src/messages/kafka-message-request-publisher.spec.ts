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
  const events = {
    publishMany: async (_topic: string, payloads: unknown[]) => {
      calls.push(payloads);
      if (failWith) throw failWith();
    },
  } as unknown as EventPublisher;
  const publisher = new KafkaMessageRequestPublisher(events, 1000, () => time);
  return { publisher, calls, advance: (ms: number) => (time += ms) };
}

describe('KafkaMessageRequestPublisher', () => {
  it('answers BROKER_UNAVAILABLE when the broker cannot be reached, then refuses at once for a second', async () => {
    const test = setUp(brokerDown);

    await expect(test.publisher.publish([])).rejects.toMatchObject({
      code: 'BROKER_UNAVAILABLE',
      status: 503,
    });
    expect(() => test.publisher.ensureAvailable()).toThrow(
      expect.objectContaining({ code: 'BROKER_UNAVAILABLE' }),
    );
    await expect(test.publisher.publish([])).rejects.toMatchObject({ code: 'BROKER_UNAVAILABLE' });
    expect(test.calls).toHaveLength(1);

    test.advance(1000);
    expect(() => test.publisher.ensureAvailable()).not.toThrow();
    await expect(test.publisher.publish([])).rejects.toMatchObject({ code: 'BROKER_UNAVAILABLE' });
    expect(test.calls).toHaveLength(2);
  });

  it('lets an error that is not the broker being unavailable through as it is, for a 500', async () => {
    const test = setUp(() => new TypeError('cannot read x of undefined'));

    await expect(test.publisher.publish([])).rejects.toThrow(TypeError);
    expect(() => test.publisher.ensureAvailable()).not.toThrow();
  });
});
