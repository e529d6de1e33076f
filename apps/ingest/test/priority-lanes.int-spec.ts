import { randomUUID } from 'node:crypto';
import {
  type MessageAccepted,
  MessageAcceptedTopics,
  type MessageRequested,
  MessageRequestedTopics,
  type PriorityName,
} from '@switchboard/contracts';
import { connectPayloadCipher, type StandalonePayloadCipher } from '@switchboard/encryption';
import type { RunningService } from '@switchboard/service-kit';
import { StructuredLogger } from '@switchboard/telemetry';
import {
  connectProducer,
  createTestBroker,
  createTestDatabase,
  observeTopics,
  type TestBroker,
  type TestDatabase,
  testKafka,
  type TopicObserver,
  waitFor,
  TEST_ENCRYPTION_VARIABLES,
  TEST_SERVICE_TOKEN_SECRETS,
} from '@switchboard/testing';
import type { Producer } from 'kafkajs';
import { loadIngestConfig } from '../src/config';
import { startIngest } from '../src/ingest';

describe('ingest priority lanes', () => {
  let broker: TestBroker;
  let database: TestDatabase;
  let ingest: RunningService;
  let producer: Producer;
  let cipher: StandalonePayloadCipher;
  let observer: TopicObserver;

  beforeAll(async () => {
    [broker, database] = await Promise.all([createTestBroker(), createTestDatabase('ingest_lanes')]);
    ingest = await startIngest(
      loadIngestConfig({
        ...broker.serviceVariables,
        DATABASE_URL: database.url,
        PORT: '0',
        SERVICE_TOKEN_SECRETS: TEST_SERVICE_TOKEN_SECRETS,
        ...TEST_ENCRYPTION_VARIABLES,
      }),
      new StructuredLogger('ingest', 'warn'),
    );
    const kafka = testKafka(broker.brokers, 'ingest-lanes-int-spec');
    producer = await connectProducer(kafka);
    cipher = await connectPayloadCipher(database.url, TEST_ENCRYPTION_VARIABLES);
    observer = await observeTopics(
      kafka,
      Object.values(MessageAcceptedTopics).map(({ topic }) => topic),
      { cipher },
    );
  });

  afterAll(async () => {
    await observer?.stop();
    await producer?.disconnect();
    await ingest?.close();
    await cipher?.close();
    await broker?.stop();
    await database?.drop();
  });

  function requested(priority: PriorityName | undefined): MessageRequested {
    return {
      tenantId: 'acme',
      messageId: randomUUID(),
      acceptedAt: new Date().toISOString(),
      source: 'http',
      recipient: { email: `ada-${randomUUID()}@example.com` },
      content: { subject: 'Hello', text: 'Hello Ada' },
      ...(priority ? { priority } : {}),
    };
  }

  async function produceRequested(lane: PriorityName, message: MessageRequested): Promise<void> {
    const contract = MessageRequestedTopics[lane];
    await producer.send({
      topic: contract.topic,
      messages: [{ key: contract.key(message), value: JSON.stringify(message) }],
    });
  }

  const acceptedOn = (lane: PriorityName) =>
    observer.payloads<MessageAccepted>(MessageAcceptedTopics[lane].topic).map((message) => message.messageId);

  it('reads every requested lane and hands each message on in the accepted lane of its priority', async () => {
    const high = requested('high');
    const bulk = requested('bulk');
    const unset = requested(undefined);

    await produceRequested('high', high);
    await produceRequested('bulk', bulk);
    await produceRequested('normal', unset);

    await waitFor(
      'every message accepted',
      () => acceptedOn('high').length + acceptedOn('bulk').length + acceptedOn('normal').length === 3,
    );
    expect(acceptedOn('high')).toEqual([high.messageId]);
    expect(acceptedOn('bulk')).toEqual([bulk.messageId]);
    expect(acceptedOn('normal')).toEqual([unset.messageId]);
  });
});
