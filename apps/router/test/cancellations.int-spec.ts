import { randomUUID } from 'node:crypto';
import {
  type DeliveryEvent,
  DeliveryEventTopic,
  type MessageAccepted,
  MessageAcceptedTopic,
  type RenderRequested,
  RenderRequestedTopic,
} from '@switchboard/contracts';
import { createDataSource } from '@switchboard/persistence';
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
  serviceAuthorization,
} from '@switchboard/testing';
import type { Producer } from 'kafkajs';
import { Client } from 'pg';
import { CancellationRepository } from '../src/cancellations/cancellation.repository';
import { loadRouterConfig } from '../src/config';
import { startRouter } from '../src/router';

describe('cancelling a message', () => {
  let broker: TestBroker;
  let database: TestDatabase;
  let router: RunningService;
  let producer: Producer;
  let cipher: StandalonePayloadCipher;
  let observer: TopicObserver;
  let db: Client;

  beforeAll(async () => {
    [broker, database] = await Promise.all([createTestBroker(), createTestDatabase('router_cancel')]);
    router = await startRouter(
      loadRouterConfig({
        ...broker.serviceVariables,
        DATABASE_URL: database.url,
        PORT: '0',
        SERVICE_TOKEN_SECRETS: TEST_SERVICE_TOKEN_SECRETS,
        ...TEST_ENCRYPTION_VARIABLES,
        ROUTER_SCHEDULE_POLL_INTERVAL: '100ms',
      }),
      new StructuredLogger('router', 'warn'),
    );
    const kafka = testKafka(broker.brokers, 'cancellations-int-spec');
    producer = await connectProducer(kafka);
    cipher = await connectPayloadCipher(database.url, TEST_ENCRYPTION_VARIABLES);
    observer = await observeTopics(kafka, [DeliveryEventTopic.topic, RenderRequestedTopic.topic], { cipher });
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

  const eventsOf = (messageId: string) =>
    observer
      .payloads<DeliveryEvent>(DeliveryEventTopic.topic)
      .filter((event) => event.messageId === messageId);

  function acceptedMessage(overrides: Partial<MessageAccepted> = {}): MessageAccepted {
    return {
      tenantId: 'acme',
      messageId: randomUUID(),
      acceptedAt: new Date().toISOString(),
      source: 'http',
      recipient: { email: `ada-${randomUUID()}@example.com` },
      content: { subject: 'Later', text: 'Hello later' },
      priority: 'normal',
      ...overrides,
    };
  }

  const rendered = (messageId: string) =>
    observer
      .payloads<RenderRequested>(RenderRequestedTopic.topic)
      .some((request) => request.messageId === messageId);

  /** Produces the message and waits for the router's first decision on it. */
  async function decided(message: MessageAccepted, type: DeliveryEvent['type']): Promise<void> {
    await producer.send({
      topic: MessageAcceptedTopic.topic,
      messages: [{ key: MessageAcceptedTopic.key(message), value: JSON.stringify(message) }],
    });
    await waitFor(`the ${type} event`, () =>
      eventsOf(message.messageId).some((event) => event.type === type),
    );
  }

  async function cancel(
    tenantId: string,
    messageId: string,
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests assert on answers field by field
  ): Promise<{ status: number; contentType: string | null; body: any }> {
    const response = await fetch(`${router.url}/internal/tenants/${tenantId}/messages/${messageId}/cancel`, {
      method: 'POST',
      headers: serviceAuthorization('router'),
    });
    return {
      status: response.status,
      contentType: response.headers.get('content-type'),
      body: await response.json(),
    };
  }

  async function schedule(
    messageId: string,
  ): Promise<{ released_at: Date | null; cancelled_at: Date | null }> {
    const result = await db.query(
      'SELECT released_at, cancelled_at FROM router.schedules WHERE message_id = $1',
      [messageId],
    );
    return result.rows[0];
  }

  const inAnHour = () => new Date(Date.now() + 3600_000).toISOString();

  it('cancels a message waiting for its time: 200, one cancelled event with its rule, and again 200 without a second event', async () => {
    const message = acceptedMessage({ sendAt: inAnHour() });
    await decided(message, 'deferred');

    const first = await cancel('acme', message.messageId);

    expect(first).toMatchObject({ status: 200, body: { messageId: message.messageId, status: 'cancelled' } });
    const cancelled = await waitFor('the cancelled event', () =>
      eventsOf(message.messageId).find((event) => event.type === 'cancelled'),
    );
    expect(cancelled).toEqual({
      tenantId: 'acme',
      messageId: message.messageId,
      type: 'cancelled',
      occurredAt: expect.any(String),
      source: 'router',
      rule: 'cancelled',
      reason: 'cancelled by the tenant',
    });
    expect((await schedule(message.messageId)).cancelled_at).toBeInstanceOf(Date);

    const again = await cancel('acme', message.messageId);
    expect(again).toMatchObject({ status: 200, body: { messageId: message.messageId, status: 'cancelled' } });
    // The second answer was given after any event it could have published; only the first one exists.
    await waitFor('the events of the message to be read', () => eventsOf(message.messageId).length >= 2);
    expect(eventsOf(message.messageId).filter((event) => event.type === 'cancelled')).toHaveLength(1);
  });

  it('refuses with 409 MESSAGE_ALREADY_SENT once the message has been routed', async () => {
    const message = acceptedMessage();
    await decided(message, 'routed');

    const answer = await cancel('acme', message.messageId);

    expect(answer.status).toBe(409);
    expect(answer.contentType).toContain('application/problem+json');
    expect(answer.body).toMatchObject({ status: 409, code: 'MESSAGE_ALREADY_SENT' });
    expect(eventsOf(message.messageId).some((event) => event.type === 'cancelled')).toBe(false);
  });

  it('refuses with 409 once a waiting message has been released', async () => {
    const message = acceptedMessage({ sendAt: inAnHour() });
    await decided(message, 'deferred');
    await db.query(`UPDATE router.schedules SET due_at = now() - interval '1 second' WHERE message_id = $1`, [
      message.messageId,
    ]);
    await waitFor('the release', async () => (await schedule(message.messageId)).released_at !== null);

    const answer = await cancel('acme', message.messageId);

    expect(answer).toMatchObject({ status: 409, body: { code: 'MESSAGE_ALREADY_SENT' } });
    expect((await schedule(message.messageId)).cancelled_at).toBeNull();
  });

  it("never cancels another tenant's message, and leaves it to its own tenant to cancel", async () => {
    const message = acceptedMessage({ sendAt: inAnHour() });
    await decided(message, 'deferred');

    // globex cannot tell this id from one still on its way, so it hears what it would hear then.
    const foreign = await cancel('globex', message.messageId);

    expect(foreign).toMatchObject({ status: 202, body: { status: 'cancelling' } });
    expect((await schedule(message.messageId)).cancelled_at).toBeNull();
    const store = createDataSource({ url: database.url, schema: 'router', entities: [], migrations: [] });
    await store.initialize();
    try {
      const cancellations = new CancellationRepository(store);
      expect(await cancellations.findCancelled([{ tenantId: 'acme', messageId: message.messageId }])).toEqual(
        new Set(),
      );
    } finally {
      await store.destroy();
    }

    expect(await cancel('acme', message.messageId)).toMatchObject({
      status: 200,
      body: { status: 'cancelled' },
    });
    await waitFor('the cancelled event', () =>
      eventsOf(message.messageId).some((event) => event.type === 'cancelled' && event.tenantId === 'acme'),
    );
  });

  it('records the cancellation of a message the router has not decided on yet, for routing to honour', async () => {
    const messageId = randomUUID();

    const answer = await cancel('acme', messageId);
    const again = await cancel('acme', messageId);

    expect(answer).toMatchObject({ status: 202, body: { messageId, status: 'cancelling' } });
    expect(again.status).toBe(202);
    const store = createDataSource({ url: database.url, schema: 'router', entities: [], migrations: [] });
    await store.initialize();
    try {
      const cancellations = new CancellationRepository(store);
      expect(
        await cancellations.findCancelled([
          { tenantId: 'acme', messageId },
          { tenantId: 'globex', messageId },
          { tenantId: 'acme', messageId: randomUUID() },
        ]),
      ).toEqual(new Set([messageId]));
    } finally {
      await store.destroy();
    }
  });

  it('never releases a cancelled message, though its time comes', async () => {
    const cancelled = acceptedMessage({ sendAt: inAnHour() });
    const sentinel = acceptedMessage({ sendAt: inAnHour() });
    await decided(cancelled, 'deferred');
    await decided(sentinel, 'deferred');
    expect((await cancel('acme', cancelled.messageId)).status).toBe(200);

    await db.query(
      `UPDATE router.schedules SET due_at = now() - interval '1 second' WHERE message_id = ANY($1)`,
      [[cancelled.messageId, sentinel.messageId]],
    );

    // Both were due at once: once the other is released, the cancelled one would have been too.
    await waitFor('the other message to be released', () => rendered(sentinel.messageId));
    expect(rendered(cancelled.messageId)).toBe(false);
    expect((await schedule(cancelled.messageId)).released_at).toBeNull();
    expect(eventsOf(cancelled.messageId).map((event) => event.type)).toEqual(['deferred', 'cancelled']);
  });

  it('ends a message cancelled before the router saw it as cancelled when it arrives, and answers 200 from then on', async () => {
    const message = acceptedMessage();
    expect((await cancel('acme', message.messageId)).status).toBe(202);

    await decided(message, 'cancelled');

    expect(eventsOf(message.messageId)).toEqual([
      expect.objectContaining({ type: 'cancelled', rule: 'cancelled', reason: 'cancelled by the tenant' }),
    ]);
    expect(rendered(message.messageId)).toBe(false);
    expect(await cancel('acme', message.messageId)).toMatchObject({
      status: 200,
      body: { messageId: message.messageId, status: 'cancelled' },
    });
  });

  it('answers 400 naming the message id when it is not a UUID', async () => {
    const answer = await cancel('acme', 'not-a-uuid');

    expect(answer.status).toBe(400);
    expect(answer.body.errors.map((error: { field: string }) => error.field)).toContain('messageId');
  });
});
