import {
  DEAD_LETTER_TOPIC,
  EmailChannelTopics,
  HeaderName,
  type EmailDispatch,
} from '@switchboard/contracts';
import { ConsumerRunner, createKafka, EventPublisher, provisionTopics } from '@switchboard/messaging';
import {
  createTestBroker,
  createTestDatabase,
  observeTopics,
  TEST_ENCRYPTION_VARIABLES,
  waitFor,
  type TestBroker,
  type TestDatabase,
  type TopicObserver,
} from '@switchboard/testing';
import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { connectPayloadCipher, type StandalonePayloadCipher } from '../src';

const TOPIC = EmailChannelTopics.lanes.normal.topic;

function dispatch(recipientId: string, to: string): EmailDispatch {
  return {
    tenantId: 'acme',
    messageId: randomUUID(),
    recipientId,
    to,
    subject: `Your code for ${to}`,
    html: `<p>Code 424242 for ${to}</p>`,
    text: `Code 424242 for ${to}`,
  };
}

describe('personal fields of Kafka payloads, between two services on our broker and PostgreSQL', () => {
  let broker: TestBroker;
  let database: TestDatabase;
  let kafka: Kafka;
  // Two services: each has its own key cache, as separate processes do.
  let producing: StandalonePayloadCipher;
  let consuming: StandalonePayloadCipher;
  let publisher: EventPublisher;
  let consumerPublisher: EventPublisher;
  let observer: TopicObserver;
  const runners: ConsumerRunner[] = [];

  beforeAll(async () => {
    broker = await createTestBroker();
    database = await createTestDatabase('sb_payload_sealing');
    kafka = createKafka({ brokers: broker.brokers, clientId: 'payload-sealing-int-spec' });
    producing = await connectPayloadCipher(database.url, TEST_ENCRYPTION_VARIABLES);
    consuming = await connectPayloadCipher(database.url, TEST_ENCRYPTION_VARIABLES);
    publisher = new EventPublisher(kafka, { cipher: producing.cipher });
    consumerPublisher = new EventPublisher(kafka, { cipher: consuming.cipher });
    await Promise.all([publisher.connect(), consumerPublisher.connect()]);
    // With the dead-letter topic, so that the observer reads both from their first record.
    await provisionTopics(kafka, [{ topic: TOPIC, partitions: 1 }]);
    observer = await observeTopics(kafka, [TOPIC, DEAD_LETTER_TOPIC]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all(runners.map((runner) => runner.stop()));
    await observer?.stop();
    await Promise.all([publisher?.disconnect(), consumerPublisher?.disconnect()]);
    await Promise.all([producing?.close(), consuming?.close()]);
    await database?.drop();
    await broker?.stop();
  }, 60_000);

  function consume(
    groupId: string,
    handled: EmailDispatch[],
    service: EventPublisher = consumerPublisher,
  ): ConsumerRunner {
    const runner = new ConsumerRunner(kafka, service, {
      groupId,
      fromBeginning: true,
      heartbeatIntervalMs: 300,
      sessionTimeoutMs: 6000,
      maxWaitTimeMs: 100,
      retryBackoffMs: 5,
    }).on(TOPIC, async (event) => {
      handled.push(event.payload);
      return { outcome: 'done' };
    });
    runners.push(runner);
    return runner;
  }

  it('writes no address or content in plaintext, and the consumer reads the payload as it was published', async () => {
    const sent = dispatch('user-1', 'jane.sealed@example.com');
    await publisher.publish(TOPIC, sent);

    const [record] = await waitFor('the record on the topic', () => {
      const records = observer
        .records(TOPIC)
        .filter((candidate) => JSON.stringify(candidate.written).includes(sent.messageId));
      return records.length > 0 ? records : undefined;
    });
    const raw = JSON.stringify(record.written);
    expect(raw).not.toContain('jane.sealed');
    expect(raw).not.toContain('424242');
    expect(record.key).not.toContain('jane.sealed');
    expect(record.written).toMatchObject({
      tenantId: 'acme',
      recipientId: 'user-1',
      to: expect.stringMatching(/^sbenc:v1:/),
    });

    const handled: EmailDispatch[] = [];
    await consume(`sealing-${randomUUID()}`, handled).start();
    const received = await waitFor('the consumer to handle it', () =>
      handled.find((payload) => payload.messageId === sent.messageId),
    );
    expect(received).toEqual(sent);
  });

  it('dead-letters a record whose recipient was erased as recipient-erased, and handles the next one', async () => {
    const erased = dispatch(`erased-${randomUUID()}`, 'erased.person@example.com');
    const kept = dispatch(`kept-${randomUUID()}`, 'kept.person@example.com');
    // Stopped first: the first test's consumer would read these records too, and cache the key.
    await Promise.all(runners.splice(0).map((runner) => runner.stop()));
    await publisher.publishMany(TOPIC, [erased, kept]);
    await producing.encryption.keys.destroyRecipientKey('acme', erased.recipientId as string);

    // A service that had not read this recipient's key before it was destroyed.
    const later = await connectPayloadCipher(database.url, TEST_ENCRYPTION_VARIABLES);
    const laterPublisher = new EventPublisher(kafka, { cipher: later.cipher });
    await laterPublisher.connect();
    const handled: EmailDispatch[] = [];
    const runner = consume(`erasure-${randomUUID()}`, handled, laterPublisher);
    try {
      await runner.start();
      await waitFor('the kept record handled', () =>
        handled.some((payload) => payload.messageId === kept.messageId),
      );
      const letter = await waitFor('the erased record dead-lettered', () =>
        observer
          .records(DEAD_LETTER_TOPIC)
          .find(
            (record) =>
              record.headers[HeaderName.error]?.startsWith('recipient-erased') &&
              JSON.stringify(record.value).includes(erased.messageId),
          ),
      );
      expect(handled.map((payload) => payload.messageId)).not.toContain(erased.messageId);
      // The dead letter keeps the record as written: sealed, and unreadable for good.
      expect(JSON.stringify(letter.value)).not.toContain('erased.person');
    } finally {
      await runner.stop();
      await laterPublisher.disconnect();
      await later.close();
    }
  });
});
