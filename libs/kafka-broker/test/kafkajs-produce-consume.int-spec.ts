import type { EachBatchPayload, IHeaders, KafkaMessage } from 'kafkajs';
import { createTestBroker, uniqueName, waitFor, type TestBroker } from './support/test-broker';

describe('kafkajs producing and consuming through the embedded broker', () => {
  let harness: TestBroker;

  beforeAll(async () => {
    harness = await createTestBroker();
  });
  afterAll(() => harness.stop());

  async function createTopic(partitions: number): Promise<string> {
    const admin = harness.kafka().admin();
    await admin.connect();
    const topic = uniqueName('flow');
    await admin.createTopics({ topics: [{ topic, numPartitions: partitions }] });
    await admin.disconnect();
    return topic;
  }

  it('sends every message with the same key to the same partition, with headers intact', async () => {
    const topic = await createTopic(4);
    const producer = harness.kafka().producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const results = await producer.send({
      topic,
      acks: -1,
      messages: Array.from({ length: 40 }, (_, index) => ({
        key: `recipient-${index % 4}`,
        value: `message-${index}`,
        headers: { 'x-index': String(index), traceparent: `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01` },
      })),
    });
    await producer.disconnect();
    expect(results.every((result) => result.errorCode === 0)).toBe(true);

    const received: { partition: number; message: KafkaMessage }[] = [];
    const consumer = harness.kafka().consumer({ groupId: uniqueName('keys'), heartbeatInterval: 500 });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => void received.push({ partition, message }),
    });
    await waitFor('40 messages consumed', () => received.length >= 40);
    await consumer.disconnect();

    const partitionsByKey = new Map<string, Set<number>>();
    for (const { partition, message } of received) {
      const key = message.key!.toString();
      partitionsByKey.set(key, (partitionsByKey.get(key) ?? new Set()).add(partition));
    }
    expect(partitionsByKey.size).toBe(4);
    for (const partitions of partitionsByKey.values()) expect(partitions.size).toBe(1);

    const byIndex = new Map(received.map(({ message }) => [header(message.headers, 'x-index'), message]));
    expect(byIndex.size).toBe(40);
    expect(byIndex.get('17')!.value!.toString()).toBe('message-17');
    expect(header(byIndex.get('17')!.headers, 'traceparent')).toBe(
      `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`,
    );
  });

  it('keeps per-partition order and offsets for an idempotent producer with acks all', async () => {
    const topic = await createTopic(1);
    const producer = harness.kafka().producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    for (let batch = 0; batch < 5; batch++) {
      const [result] = await producer.send({
        topic,
        acks: -1,
        messages: Array.from({ length: 20 }, (_, index) => ({ value: String(batch * 20 + index) })),
      });
      expect(result.baseOffset).toBe(String(batch * 20));
    }
    await producer.disconnect();

    const values: number[] = [];
    const consumer = harness.kafka().consumer({ groupId: uniqueName('order'), heartbeatInterval: 500 });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => void values.push(Number(message.value!.toString())),
    });
    await waitFor('100 messages consumed', () => values.length >= 100);
    await consumer.disconnect();
    expect(values).toEqual(Array.from({ length: 100 }, (_, index) => index));
  });

  it('delivers whole batches to eachBatch from the beginning, compressed or not', async () => {
    const topic = await createTopic(2);
    const producer = harness.kafka().producer();
    await producer.connect();
    await producer.send({
      topic,
      messages: Array.from({ length: 300 }, (_, index) => ({ key: String(index), value: 'x'.repeat(100) })),
    });
    const { CompressionTypes } = await import('kafkajs');
    await producer.send({
      topic,
      compression: CompressionTypes.GZIP,
      messages: Array.from({ length: 200 }, (_, index) => ({ key: `gz-${index}`, value: 'y'.repeat(100) })),
    });
    await producer.disconnect();

    const keys = new Set<string>();
    let batches = 0;
    const consumer = harness.kafka().consumer({ groupId: uniqueName('batches'), heartbeatInterval: 500 });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachBatch: async ({ batch, resolveOffset, heartbeat }: EachBatchPayload) => {
        batches++;
        for (const message of batch.messages) {
          keys.add(message.key!.toString());
          resolveOffset(message.offset);
        }
        await heartbeat();
      },
    });
    await waitFor('500 distinct messages in batches', () => keys.size >= 500);
    await consumer.disconnect();
    expect(keys.size).toBe(500);
    expect(keys.has('gz-199')).toBe(true);
    expect(batches).toBeGreaterThanOrEqual(2);
  });

  it('fire-and-forget produce (acks 0) still lands', async () => {
    const topic = await createTopic(1);
    const producer = harness.kafka().producer();
    await producer.connect();
    await producer.send({ topic, acks: 0, messages: [{ value: 'no-ack' }] });
    const admin = harness.kafka().admin();
    await admin.connect();
    await waitFor('offset advanced', async () => (await admin.fetchTopicOffsets(topic))[0].high === '1');
    await Promise.all([producer.disconnect(), admin.disconnect()]);
  });

  it('counts the requests each client id makes of each API', async () => {
    const topic = await createTopic(1);
    const clientId = uniqueName('counted');
    const producer = harness.kafka({ clientId }).producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    for (let index = 0; index < 3; index++) {
      await producer.send({ topic, acks: -1, messages: [{ value: `counted-${index}` }] });
    }
    await producer.disconnect();

    const counts = harness.broker.requestCounts().filter((count) => count.clientId === clientId);
    expect(counts).toContainEqual({ clientId, api: 'Produce', requests: 3 });
    expect(counts).toContainEqual({ clientId, api: 'InitProducerId', requests: 1 });
    expect(counts.find((count) => count.api === 'Metadata')?.requests).toBeGreaterThanOrEqual(1);
  });
});

function header(headers: IHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  return value === undefined ? undefined : String(value);
}
