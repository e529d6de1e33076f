import { DEAD_LETTER_TOPIC } from '@switchboard/contracts';
import { createTestBroker, waitFor, type TestBroker } from '@switchboard/testing';
import type { Kafka } from 'kafkajs';
import { createKafka, EventPublisher, provisionTopics } from '../src';

/** A letter of its own name, on one partition, so the test can tell which arrived. */
const letter = (name: string) => ({
  key: Buffer.from('one-partition'),
  value: Buffer.from(name),
  headers: {},
});

describe('a publish that failed after the broker stored it', () => {
  let broker: TestBroker;
  let direct: Kafka;

  beforeEach(async () => {
    broker = await createTestBroker({ faultProxy: true });
    direct = createKafka({ brokers: broker.brokers, clientId: 'sequences-test' }, () => undefined);
    await provisionTopics(direct, [{ topic: DEAD_LETTER_TOPIC, partitions: 1 }]);
  });
  afterEach(() => broker.stop());

  async function storedValues(): Promise<string[]> {
    const admin = direct.admin();
    await admin.connect();
    const [{ high }] = await admin.fetchTopicOffsets(DEAD_LETTER_TOPIC);
    await admin.disconnect();
    const consumer = direct.consumer({ groupId: `reader-${Date.now()}`, maxWaitTimeInMs: 100 });
    const values: string[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic: DEAD_LETTER_TOPIC, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void values.push(String(message.value)) });
    await waitFor('every stored record read', () => values.length >= Number(high));
    await consumer.disconnect();
    return values;
  }

  it('does not make the broker take the next publish for its retry and drop it', async () => {
    const proxy = broker.faultProxy;
    if (!proxy) throw new Error('the test broker was started without its fault proxy');
    // Through the proxy, with few retries: the failure is the point, not riding it out.
    const kafka = createKafka(
      {
        brokers: [proxy.address],
        clientId: 'publisher',
        retry: { retries: 1, initialRetryTime: 50 },
      },
      () => undefined,
    );
    const publisher = new EventPublisher(kafka);
    await publisher.connect();
    try {
      await publisher.publishDeadLetters([letter('before')]);

      // The request reaches the broker, which stores it; its answer never comes back.
      proxy.cut({ mode: 'one-way' });
      const lost = publisher.publishDeadLetters([letter('stored, answer lost')]);
      const admin = direct.admin();
      await admin.connect();
      await waitFor(
        'the broker stored it',
        async () => (await admin.fetchTopicOffsets(DEAD_LETTER_TOPIC))[0].high === '2',
      );
      await admin.disconnect();
      proxy.cut({ mode: 'refuse' });
      await expect(lost).rejects.toThrow();

      proxy.restore();
      await publisher.publishDeadLetters([letter('after')]);
      expect(await storedValues()).toEqual(['before', 'stored, answer lost', 'after']);
    } finally {
      await publisher.disconnect();
    }
  });
});
