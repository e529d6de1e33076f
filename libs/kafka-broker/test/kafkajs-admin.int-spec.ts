import { createTestBroker, uniqueName, type TestBroker } from './support/test-broker';

describe('kafkajs admin against the embedded broker', () => {
  let harness: TestBroker;

  beforeAll(async () => {
    harness = await createTestBroker({ autoCreateTopics: false });
  });
  afterAll(() => harness.stop());

  it('creates, lists, describes and deletes topics', async () => {
    const admin = harness.kafka().admin();
    await admin.connect();
    const topic = uniqueName('admin');
    try {
      expect(await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true })).toBe(
        true,
      );
      expect(await admin.listTopics()).toContain(topic);

      const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
      expect(metadata.topics[0].partitions.map((partition) => partition.partitionId).sort()).toEqual([
        0, 1, 2,
      ]);

      // Creating it again is refused with TOPIC_ALREADY_EXISTS, which kafkajs reports as false.
      expect(await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] })).toBe(false);

      await admin.deleteTopics({ topics: [topic] });
      expect(await admin.listTopics()).not.toContain(topic);
    } finally {
      await admin.disconnect();
    }
  });

  it('refuses an illegal topic name and a replication factor above one', async () => {
    const admin = harness.kafka().admin();
    await admin.connect();
    try {
      const creationError = (topic: string, replicationFactor?: number) =>
        admin.createTopics({ topics: [{ topic, replicationFactor }] }).then(
          () => undefined,
          (error: { errors?: { type: string; message: string }[] }) => error.errors?.[0],
        );
      expect(await creationError('no spaces allowed')).toMatchObject({ type: 'INVALID_TOPIC_EXCEPTION' });
      expect(await creationError(uniqueName('rf'), 3)).toMatchObject({ type: 'INVALID_REPLICATION_FACTOR' });
      expect(await admin.listTopics()).not.toContain('no spaces allowed');
    } finally {
      await admin.disconnect();
    }
  });

  it('reports earliest, latest and by-timestamp offsets', async () => {
    const kafka = harness.kafka();
    const admin = kafka.admin();
    const producer = kafka.producer();
    await Promise.all([admin.connect(), producer.connect()]);
    const topic = uniqueName('offsets');
    try {
      await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
      const base = Date.now() - 60_000;
      await producer.send({
        topic,
        messages: [0, 1, 2, 3, 4].map((index) => ({
          value: `m${index}`,
          timestamp: String(base + index * 1000),
        })),
      });
      await producer.send({ topic, messages: [{ value: 'late', timestamp: String(base + 10_000) }] });

      const [latest] = await admin.fetchTopicOffsets(topic);
      expect(latest).toMatchObject({ partition: 0, offset: '6', low: '0', high: '6' });

      // The first record at or after the timestamp, inside a batch as well as at a batch start.
      const [byTimestamp] = await admin.fetchTopicOffsetsByTimestamp(topic, base + 2500);
      expect(byTimestamp.offset).toBe('3');
      const [atSecondBatch] = await admin.fetchTopicOffsetsByTimestamp(topic, base + 9000);
      expect(atSecondBatch.offset).toBe('5');
    } finally {
      await Promise.all([admin.disconnect(), producer.disconnect()]);
    }
  });

  it('auto-creates a topic only when the broker allows it', async () => {
    const producer = harness.kafka().producer({ allowAutoTopicCreation: true });
    await producer.connect();
    try {
      await expect(
        producer.send({ topic: uniqueName('missing'), messages: [{ value: 'x' }] }),
      ).rejects.toThrow(/does not host this topic-partition|not found|unknown/i);
    } finally {
      await producer.disconnect();
    }
  });
});
