import { SmsChannelTopics, type SmsDispatch } from '@switchboard/contracts';
import { CircuitBreaker } from '@switchboard/delivery';
import { createKafka, EventPublisher, provisionTopics } from '@switchboard/messaging';
import { createTestBroker, waitFor, type TestBroker } from '@switchboard/testing';
import type { Admin, Kafka } from 'kafkajs';
import { ChannelSender, type DeliveryLedger } from '../src';

const topics = SmsChannelTopics;
const normal = topics.lanes.normal.topic;
const retry = topics.retries['1s'].topic;
const allTopics = [
  ...Object.values(topics.lanes).map(({ topic }) => topic),
  ...Object.values(topics.retries).map(({ topic }) => topic),
];

/** Nothing in these tests is meant to be sent: a claim would mean a record was read again. */
const claims: string[] = [];
const ledger: DeliveryLedger = {
  claim: (deliveries) => {
    claims.push(...deliveries.map(({ messageId }) => messageId));
    return Promise.reject(new Error('no dispatch was expected to be claimed'));
  },
  recordAttempts: () => Promise.resolve(new Set()),
  recordOutcomes: () => Promise.resolve(),
};

describe('the consumer groups of a channel sender', () => {
  let broker: TestBroker;
  let kafka: Kafka;
  let admin: Admin;
  let publisher: EventPublisher;
  let sender: ChannelSender<SmsDispatch> | undefined;
  const log = () => undefined;

  beforeEach(async () => {
    claims.length = 0;
    broker = await createTestBroker();
    kafka = createKafka({ brokers: broker.brokers, clientId: 'sender-kit-test' }, log);
    await provisionTopics(
      kafka,
      allTopics.map((topic) => ({ topic, partitions: 1 })),
      { log },
    );
    admin = kafka.admin();
    await admin.connect();
    publisher = new EventPublisher(kafka);
    await publisher.connect();
  });
  afterEach(async () => {
    await sender?.stop();
    sender = undefined;
    await admin.disconnect();
    await publisher.disconnect();
    await broker.stop();
  });

  const newSender = () =>
    new ChannelSender<SmsDispatch>(kafka, publisher, {
      channel: 'sms',
      source: 'sender-sms',
      topics,
      routes: [
        {
          provider: {
            name: 'sns',
            send: () => Promise.reject(new Error('no dispatch was expected to be sent')),
            classify: () => ({ kind: 'permanent', reason: 'unexpected' }) as never,
          },
          breaker: new CircuitBreaker({ provider: 'sns' }),
          rateLimiter: { ratePerSecond: 10, burst: 10, acquire: () => Promise.resolve() },
        },
      ],
      ledger,
      retryPolicy: { maxAttempts: 3, baseDelayMs: 1000, maxDelayMs: 60_000 },
      recipientOf: (dispatch) => dispatch.to,
      laneConcurrency: { high: 4, normal: 4, bulk: 4 },
      consumer: { maxWaitTimeMs: 100 },
      log,
    });

  const committed = async (groupId: string, topic: string) => {
    const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return Number(offsets.partitions[0]?.offset ?? -1);
  };

  it('reads its lanes and its retry topics in two consumer groups', async () => {
    sender = newSender();
    await sender.start();

    const { groups } = await admin.listGroups();
    expect(groups.map(({ groupId }) => groupId).sort()).toEqual(['sender-sms', 'sender-sms.high']);
  });

  it('starts where the groups of the former version left off: nothing is read again, nothing is skipped', async () => {
    const produce = async (topic: string, values: string[]) => {
      const producer = kafka.producer();
      await producer.connect();
      await producer.send({ topic, acks: -1, messages: values.map((value) => ({ value })) });
      await producer.disconnect();
    };
    // Not dispatches: a record read by the sender is dead-lettered at once, which the test sees.
    await produce(normal, ['handled before the upgrade', 'handled before the upgrade too']);
    await produce(retry, ['retried before the upgrade']);
    await admin.setOffsets({
      groupId: 'sender-sms.normal',
      topic: normal,
      partitions: [{ partition: 0, offset: '2' }],
    });
    await admin.setOffsets({
      groupId: 'sender-sms.retry.1s',
      topic: retry,
      partitions: [{ partition: 0, offset: '1' }],
    });
    await produce(normal, ['left for after the upgrade']);
    const parked: string[] = [];
    jest.spyOn(publisher, 'publishDeadLetters').mockImplementation((letters) => {
      parked.push(...letters.map((letter) => letter.value?.toString() ?? ''));
      return Promise.resolve();
    });

    sender = newSender();
    await sender.start();

    await waitFor('the record left for after the upgrade to be read and committed', async () => {
      const positions = await Promise.all([committed('sender-sms', normal), committed('sender-sms', retry)]);
      return positions[0] === 3 && positions[1] === 1;
    });
    expect(parked).toEqual(['left for after the upgrade']);
    expect(claims).toEqual([]);
  });
});
