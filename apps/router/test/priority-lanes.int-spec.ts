import { randomUUID } from 'node:crypto';
import {
  type MessageAccepted,
  MessageAcceptedTopics,
  type PriorityName,
  type RenderRequested,
  RenderRequestedTopics,
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
  TEST_SERVICE_TOKEN_SECRETS,
  TEST_ENCRYPTION_VARIABLES,
} from '@switchboard/testing';
import type { Producer } from 'kafkajs';
import { Client } from 'pg';
import { loadRouterConfig } from '../src/config';
import { startRouter } from '../src/router';

const BULK_BACKLOG = 20_000;

describe('router priority lanes', () => {
  let broker: TestBroker;
  let database: TestDatabase;
  let router: RunningService | undefined;
  let producer: Producer;
  let cipher: StandalonePayloadCipher;
  let observer: TopicObserver;
  let db: Client;

  beforeAll(async () => {
    [broker, database] = await Promise.all([createTestBroker(), createTestDatabase('router_lanes')]);
    const kafka = testKafka(broker.brokers, 'router-lanes-int-spec');
    producer = await connectProducer(kafka);
    db = new Client({ connectionString: database.url });
    await db.connect();
  });

  afterAll(async () => {
    await observer?.stop();
    await producer?.disconnect();
    await router?.close();
    await cipher?.close();
    await db?.end();
    await broker?.stop();
    await database?.drop();
  });

  function accepted(priority: PriorityName): MessageAccepted {
    return {
      tenantId: 'acme',
      messageId: randomUUID(),
      acceptedAt: new Date().toISOString(),
      source: 'http',
      recipient: { email: `reader-${randomUUID()}@example.com` },
      content: { templateKey: 'newsletter', data: {} },
      priority,
    };
  }

  async function produceAccepted(messages: MessageAccepted[]): Promise<void> {
    for (let start = 0; start < messages.length; start += 1_000) {
      const lane = messages[start].priority ?? 'normal';
      await producer.send({
        topic: MessageAcceptedTopics[lane].topic,
        messages: messages.slice(start, start + 1_000).map((message) => ({
          key: MessageAcceptedTopics[lane].key(message),
          value: JSON.stringify(message),
        })),
      });
    }
  }

  async function decidedCount(messageIds: string[]): Promise<number> {
    const result = await db.query(
      'SELECT count(*)::int AS decided FROM router.decisions WHERE message_id = ANY($1::uuid[])',
      [messageIds],
    );
    return result.rows[0].decided as number;
  }

  it('routes a high-priority message produced behind a large bulk backlog before the backlog is through', async () => {
    const bulk = Array.from({ length: BULK_BACKLOG }, () => accepted('bulk'));
    const bulkIds = bulk.map((message) => message.messageId);
    await produceAccepted(bulk);
    router = await startRouter(
      loadRouterConfig({
        ...broker.serviceVariables,
        DATABASE_URL: database.url,
        PORT: '0',
        SERVICE_TOKEN_SECRETS: TEST_SERVICE_TOKEN_SECRETS,
        ...TEST_ENCRYPTION_VARIABLES,
      }),
      new StructuredLogger('router', 'warn'),
    );
    cipher = await connectPayloadCipher(database.url, TEST_ENCRYPTION_VARIABLES);
    observer = await observeTopics(
      testKafka(broker.brokers, 'router-lanes-observer'),
      [RenderRequestedTopics.high.topic],
      { cipher },
    );
    await waitFor(
      'the router to be working through the bulk backlog',
      async () => (await decidedCount(bulkIds)) > 0,
    );

    const high = accepted('high');
    await produceAccepted([high]);

    const request = await waitFor('the high-priority render request', () =>
      observer
        .payloads<RenderRequested>(RenderRequestedTopics.high.topic)
        .find((candidate) => candidate.messageId === high.messageId),
    );
    const bulkDecidedBeforeHigh = await decidedCount(bulkIds);
    expect(request).toMatchObject({ channel: 'email', priority: 'high', address: high.recipient.email });
    expect(bulkDecidedBeforeHigh).toBeLessThan(BULK_BACKLOG);
  }, 120_000);
});
