import type { KafkaMessage } from 'kafkajs';
import { Segment } from '../src/storage/segment';
import { createTestBroker, uniqueName, waitFor, type TestBroker } from './support/test-broker';

// A consumer that collects (a large minBytes, as the platform's timeline writers use) leaves its
// fetch parked while records trickle in. Every append to a watched partition makes the broker check
// that fetch again: the check must come from the log's index, not from reading what has gathered
// so far, or a trickle costs the broker a read of the whole pile for every record.
describe('a collecting fetch (large minBytes) through the embedded broker', () => {
  let harness: TestBroker;

  beforeAll(async () => {
    harness = await createTestBroker();
  });
  afterAll(() => harness.stop());

  it('answers once its minimum has gathered or its wait is over, reading the log only to answer', async () => {
    const admin = harness.kafka().admin();
    await admin.connect();
    const topic = uniqueName('collecting');
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
    await admin.disconnect();

    const batches: KafkaMessage[][] = [];
    const consumer = harness.kafka().consumer({
      groupId: uniqueName('collector'),
      minBytes: 64 * 1024,
      maxWaitTimeInMs: 1500,
      heartbeatInterval: 500,
    });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachBatch: async ({ batch }) => void batches.push(batch.messages) });
    await waitFor('the consumer to join and park its first fetch', async () => {
      const description = await consumer.describeGroup();
      return description.state === 'Stable';
    });

    const producer = harness.kafka().producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const reads = jest.spyOn(Segment.prototype, 'read');
    try {
      // 40 records of 2 KiB, one request each: 80 KiB in all, over the 64 KiB the fetch waits for.
      for (let index = 0; index < 40; index++) {
        await producer.send({ topic, acks: -1, messages: [{ value: `${index}:`.padEnd(2048, 'x') }] });
      }
      await waitFor('every record consumed', () => batches.flat().length >= 40);
      expect(batches.flat().map((message) => message.value!.toString().split(':')[0])).toEqual(
        Array.from({ length: 40 }, (_, index) => String(index)),
      );
      // Collected, not answered record by record: the fetch waited for its minimum.
      expect(batches.length).toBeLessThanOrEqual(3);
      // One read per answer (a few at most), not one per append while the fetch was parked.
      expect(reads.mock.calls.length).toBeLessThanOrEqual(batches.length + 2);
    } finally {
      reads.mockRestore();
      await producer.disconnect();
      await consumer.disconnect();
    }
  });
});
