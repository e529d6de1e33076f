import { DEAD_LETTER_TOPIC, DeliveryEventTopic, MessageRequestedTopic } from '@switchboard/contracts';
import type { Kafka, ProducerConfig } from 'kafkajs';
import { EventPublisher, type PayloadCipher } from '../src';
import {
  deliveryEvent,
  messageRequested,
  startMessagingHarness,
  type MessagingHarness,
} from './support/messaging-harness';

/** Seals as a warm key cache does: no I/O, a few promise hops; marks what it sealed. */
const warmCacheCipher: PayloadCipher = {
  async seal(_personalData, payloads) {
    for (let hop = 0; hop < 5; hop += 1) await Promise.resolve();
    return payloads.map((payload) => ({ ...(payload as object), sealedInTest: true }));
  },
  open: async (_personalData, payloads) => payloads.map((payload) => ({ ok: true, payload })),
};

/** Counts the produce requests of every producer made from `kafka` after this call. */
function countProduceRequests(kafka: Kafka): { readonly count: number } {
  const counter = { count: 0 };
  const createProducer = kafka.producer.bind(kafka);
  kafka.producer = (config?: ProducerConfig) => {
    const producer = createProducer(config);
    producer.on(producer.events.REQUEST, ({ payload }) => {
      if (payload.apiName === 'Produce') counter.count += 1;
    });
    return producer;
  };
  return counter;
}

describe('publish requests', () => {
  let harness: MessagingHarness;

  beforeEach(async () => {
    harness = await startMessagingHarness();
    await harness.provision([
      { topic: DeliveryEventTopic.topic, partitions: 1 },
      { topic: MessageRequestedTopic.topic, partitions: 1 },
      { topic: DEAD_LETTER_TOPIC, partitions: 1 },
    ]);
  });
  afterEach(() => harness.close());

  it('sends publishes started together in one request, also when one of them seals personal fields first', async () => {
    const requests = countProduceRequests(harness.kafka);
    const publisher = new EventPublisher(harness.kafka, { cipher: warmCacheCipher });
    await publisher.connect();
    try {
      // What a hop does with a batch: its sealed events and their delivery events at once.
      await Promise.all([
        publisher.publishMany(MessageRequestedTopic.topic, [messageRequested(), messageRequested()]),
        publisher.publishMany(DeliveryEventTopic.topic, [deliveryEvent(), deliveryEvent()]),
      ]);
      expect(requests.count).toBe(1);
      const [sealed] = await harness.readRecords(MessageRequestedTopic.topic, 2);
      expect(JSON.parse(sealed.value ?? '{}')).toMatchObject({ sealedInTest: true });
      expect(await harness.endOffset(DeliveryEventTopic.topic)).toBe(2);
    } finally {
      await publisher.disconnect();
    }
  });

  it("keeps every request under Kafka's 1 MiB batch limit: 3 MiB for one partition arrive in order, over several requests", async () => {
    const requests = countProduceRequests(harness.kafka);
    const publisher = new EventPublisher(harness.kafka);
    await publisher.connect();
    try {
      const letters = Array.from({ length: 6 }, (_, index) => ({
        key: Buffer.from('one-partition'),
        value: Buffer.alloc(512 * 1024, String(index)),
        headers: {},
      }));
      // One batch of all six would be refused by the broker, as by Kafka, with MESSAGE_TOO_LARGE.
      await publisher.publishDeadLetters(letters);
      const read = await harness.readRecords(DEAD_LETTER_TOPIC, 6);
      expect(read.map((record) => record.value?.[0])).toEqual(['0', '1', '2', '3', '4', '5']);
      expect(requests.count).toBeGreaterThan(1);
    } finally {
      await publisher.disconnect();
    }
  });
});
