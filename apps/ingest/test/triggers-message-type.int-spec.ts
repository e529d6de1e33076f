import { randomUUID } from 'node:crypto';
import { type MessageAccepted, MessageAcceptedTopic } from '@switchboard/contracts';
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
  serviceAuthorization,
} from '@switchboard/testing';
import type { Producer } from 'kafkajs';
import { loadIngestConfig } from '../src/config';
import { startIngest } from '../src/ingest';

const UPSTREAM_TOPIC = 'shop.shipments';

describe('ingest triggers with a message type', () => {
  let broker: TestBroker;
  let database: TestDatabase;
  let ingest: RunningService;
  let producer: Producer;
  let cipher: StandalonePayloadCipher;
  let observer: TopicObserver;

  beforeAll(async () => {
    [broker, database] = await Promise.all([createTestBroker(), createTestDatabase('ingest_trigger_types')]);
    ingest = await startIngest(
      loadIngestConfig({
        ...broker.serviceVariables,
        DATABASE_URL: database.url,
        PORT: '0',
        SERVICE_TOKEN_SECRETS: TEST_SERVICE_TOKEN_SECRETS,
        ...TEST_ENCRYPTION_VARIABLES,
        INGEST_UPSTREAM_TOPICS: `${UPSTREAM_TOPIC}:*`,
      }),
      new StructuredLogger('ingest', 'warn'),
    );
    const kafka = testKafka(broker.brokers, 'ingest-trigger-types-int-spec');
    producer = await connectProducer(kafka);
    cipher = await connectPayloadCipher(database.url, TEST_ENCRYPTION_VARIABLES);
    observer = await observeTopics(kafka, [MessageAcceptedTopic.topic], { cipher });
  });

  afterAll(async () => {
    await observer?.stop();
    await producer?.disconnect();
    await ingest?.close();
    await cipher?.close();
    await broker?.stop();
    await database?.drop();
  });

  async function call(method: string, tenantId: string, body?: unknown) {
    const response = await fetch(`${ingest.url}/internal/tenants/${tenantId}/triggers`, {
      method,
      headers: {
        ...serviceAuthorization('ingest'),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests assert on answers field by field
    return { status: response.status, body: (await response.json()) as any };
  }

  async function produceUpstream(event: Record<string, unknown>): Promise<void> {
    await producer.send({
      topic: UPSTREAM_TOPIC,
      messages: [{ key: randomUUID(), value: JSON.stringify(event) }],
    });
  }

  function acceptedFor(email: string): MessageAccepted | undefined {
    return observer
      .payloads<MessageAccepted>(MessageAcceptedTopic.topic)
      .find((message) => message.recipient.email === email);
  }

  it('stores and lists the message type a trigger names, and a trigger without one shows none', async () => {
    const tenant = `tenant-${randomUUID()}`;

    const typed = await call('POST', tenant, {
      eventType: 'order.shipped',
      templateKey: 'order-shipped',
      messageType: 'order-update',
    });
    const untyped = await call('POST', tenant, {
      eventType: 'order.delivered',
      templateKey: 'order-delivered',
    });
    const list = await call('GET', tenant);

    expect(typed).toMatchObject({ status: 201, body: { messageType: 'order-update' } });
    expect(untyped.status).toBe(201);
    expect(untyped.body).not.toHaveProperty('messageType');
    expect(list.body.triggers).toEqual([
      expect.not.objectContaining({ messageType: expect.anything() }),
      expect.objectContaining({ eventType: 'order.shipped', messageType: 'order-update' }),
    ]);
  });

  it('answers 400 naming messageType when it is not a message type key', async () => {
    const refused = await call('POST', `tenant-${randomUUID()}`, {
      eventType: 'order.shipped',
      templateKey: 'order-shipped',
      messageType: 'Order Update',
    });

    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'messageType' })]);
  });

  it("makes messages of the trigger's type from upstream events, and untyped ones for a trigger without", async () => {
    const tenant = `tenant-${randomUUID()}`;
    await call('POST', tenant, {
      eventType: 'parcel.sent',
      templateKey: 'parcel-sent',
      messageType: 'shipping',
    });
    await call('POST', tenant, { eventType: 'parcel.lost', templateKey: 'parcel-lost' });
    const [sentTo, lostTo] = [`ada-${randomUUID()}@example.com`, `grace-${randomUUID()}@example.com`];

    await produceUpstream({ type: 'parcel.sent', tenant, recipient: { email: sentTo }, data: {} });
    await produceUpstream({ type: 'parcel.lost', tenant, recipient: { email: lostTo }, data: {} });

    const sent = await waitFor('the message made from parcel.sent', () => acceptedFor(sentTo));
    const lost = await waitFor('the message made from parcel.lost', () => acceptedFor(lostTo));
    expect(sent).toMatchObject({ type: 'shipping', content: { templateKey: 'parcel-sent' } });
    expect(lost.type).toBeUndefined();
  });
});
