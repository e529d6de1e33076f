import { randomUUID } from 'node:crypto';
import {
  type DeliveryEvent,
  DeliveryEventTopic,
  type MessageAccepted,
  MessageAcceptedTopic,
  type RenderRequested,
  RenderRequestedTopics,
} from '@switchboard/contracts';
import { BlindIndex, connectPayloadCipher, type StandalonePayloadCipher } from '@switchboard/encryption';
import { EventPublisher } from '@switchboard/messaging';
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
import type { Kafka, Producer } from 'kafkajs';
import { Client } from 'pg';
import { loadRouterConfig } from '../src/config';
import { startRouter } from '../src/router';

describe('router', () => {
  let broker: TestBroker;
  let database: TestDatabase;
  let router: RunningService;
  let kafka: Kafka;
  let producer: Producer;
  let cipher: StandalonePayloadCipher;
  let observer: TopicObserver;
  let db: Client;

  beforeAll(async () => {
    [broker, database] = await Promise.all([createTestBroker(), createTestDatabase('router_int')]);
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
    kafka = testKafka(broker.brokers, 'router-int-spec');
    producer = await connectProducer(kafka);
    // Render requests are sealed on the topic: the observer opens them as the renderer would.
    cipher = await connectPayloadCipher(database.url, TEST_ENCRYPTION_VARIABLES);
    observer = await observeTopics(
      kafka,
      [...Object.values(RenderRequestedTopics).map(({ topic }) => topic), DeliveryEventTopic.topic],
      { cipher },
    );
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

  // Every lane: each request goes to the lane of its priority.
  const renderRequests = () =>
    Object.values(RenderRequestedTopics).flatMap(({ topic }) => observer.payloads<RenderRequested>(topic));
  const eventsOf = (messageId: string) =>
    observer
      .payloads<DeliveryEvent>(DeliveryEventTopic.topic)
      .filter((event) => event.messageId === messageId);

  function acceptedMessage(overrides: Partial<MessageAccepted> = {}): MessageAccepted {
    return {
      tenantId: 'acme',
      messageId: randomUUID(),
      acceptedAt: '2030-01-01T10:00:00.000Z',
      source: 'http',
      recipient: { email: `ada-${randomUUID()}@example.com` },
      content: { templateKey: 'welcome', data: { name: 'Ada' } },
      priority: 'high',
      ...overrides,
    };
  }

  async function produceAccepted(...messages: MessageAccepted[]): Promise<void> {
    await producer.send({
      topic: MessageAcceptedTopic.topic,
      messages: messages.map((message) => ({
        key: MessageAcceptedTopic.key(message),
        value: JSON.stringify(message),
      })),
    });
  }

  async function suppress(tenantId: string, body: unknown): Promise<Response> {
    return fetch(`${router.url}/internal/tenants/${tenantId}/suppressions`, {
      method: 'POST',
      headers: { ...serviceAuthorization('router'), 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  }

  async function decisionRows(
    messageId: string,
  ): Promise<Array<{ decision: string; reason: string | null }>> {
    const result = await db.query('SELECT decision, reason FROM router.decisions WHERE message_id = $1', [
      messageId,
    ]);
    return result.rows;
  }

  it('is ready once Kafka, the database and its consumer are', async () => {
    const ready = await waitFor('the router to be ready', async () => {
      const response = await fetch(`${router.url}/health/ready`);
      return response.status === 200 && ((await response.json()) as { checks: Record<string, string> });
    });
    expect(ready.checks).toEqual({ kafka: 'up', database: 'up', consumer: 'up' });
  });

  it('routes a message to rendering for email, carrying its acceptance time', async () => {
    const message = acceptedMessage();

    await produceAccepted(message);

    const request = await waitFor('the render request', () =>
      renderRequests().find((candidate) => candidate.messageId === message.messageId),
    );
    expect(request).toEqual({
      tenantId: 'acme',
      messageId: message.messageId,
      acceptedAt: '2030-01-01T10:00:00.000Z',
      channel: 'email',
      address: message.recipient.email,
      priority: 'high',
      content: message.content,
    });
    await waitFor('the routed event', () => eventsOf(message.messageId).length === 1);
    expect(eventsOf(message.messageId)).toEqual([
      expect.objectContaining({ type: 'routed', source: 'router', channel: 'email' }),
    ]);
    expect(await decisionRows(message.messageId)).toEqual([{ decision: 'routed', reason: null }]);
  });

  it('publishes the render request with its address and content sealed: the record as written holds neither', async () => {
    const orderNumber = `A-${randomUUID()}`;
    const message = acceptedMessage({
      recipient: { id: `user-${randomUUID()}`, email: `grace-${randomUUID()}@example.com` },
      content: { templateKey: 'welcome', data: { orderNumber } },
    });

    await produceAccepted(message);

    const record = await waitFor('the render request', () =>
      Object.values(RenderRequestedTopics)
        .flatMap(({ topic }) => observer.records(topic))
        .find((candidate) => (candidate.value as RenderRequested).messageId === message.messageId),
    );
    const written = JSON.stringify(record.written);
    expect(written).not.toContain(message.recipient.email);
    expect(written).not.toContain(orderNumber);
    // The recipient id stays readable (it names the key); the renderer opens the rest as it was.
    expect(record.written).toMatchObject({ recipientId: message.recipient.id });
    expect(record.value).toMatchObject({
      address: message.recipient.email,
      content: message.content,
    });
  });

  it('routes a message published sealed, as ingest publishes it', async () => {
    const message = acceptedMessage({
      content: { templateKey: 'welcome', data: { name: `Ada ${randomUUID()}` } },
    });
    const sealingPublisher = new EventPublisher(kafka, { cipher: cipher.cipher });
    await sealingPublisher.connect();
    try {
      await sealingPublisher.publish(MessageAcceptedTopic.topic, message);
    } finally {
      await sealingPublisher.disconnect();
    }

    const request = await waitFor('the render request', () =>
      renderRequests().find((candidate) => candidate.messageId === message.messageId),
    );
    expect(request).toMatchObject({
      channel: 'email',
      address: message.recipient.email,
      content: message.content,
    });
  });

  it('keeps the first decision of a redelivered message and renders it with the same request', async () => {
    const message = acceptedMessage();

    await produceAccepted(message);
    await waitFor('the first render request', () =>
      renderRequests().some((candidate) => candidate.messageId === message.messageId),
    );
    await produceAccepted(message);

    const requests = await waitFor('the render request again', () => {
      const found = renderRequests().filter((candidate) => candidate.messageId === message.messageId);
      return found.length === 2 && found;
    });
    expect(requests[1]).toEqual(requests[0]);
    expect(await decisionRows(message.messageId)).toHaveLength(1);
    const events = await waitFor('the decision event again', () => {
      const found = eventsOf(message.messageId);
      return found.length === 2 && found;
    });
    expect(events[1]).toEqual(events[0]);
  });

  it('skips a message to a suppressed address, whatever its case, and renders nothing', async () => {
    const address = `bounced-${randomUUID()}@example.com`;
    const created = await suppress('acme', { channel: 'email', address, reason: 'hard bounce' });
    expect(created.status).toBe(201);
    expect(await created.json()).toEqual({
      channel: 'email',
      address,
      category: null,
      source: 'api',
      reason: 'hard bounce',
      createdAt: expect.any(String),
    });
    const again = await suppress('acme', {
      channel: 'email',
      address: address.toUpperCase(),
      reason: 'complaint',
    });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ address, reason: 'hard bounce' });

    const message = acceptedMessage({ recipient: { email: address.replace('bounced', 'BOUNCED') } });
    const next = acceptedMessage({ recipient: message.recipient, messageId: randomUUID() });
    await produceAccepted(message);
    await waitFor('the skipped event', () => eventsOf(message.messageId).length > 0);
    await produceAccepted({ ...next, tenantId: 'globex' });

    expect(eventsOf(message.messageId)).toEqual([
      expect.objectContaining({ type: 'skipped', reason: 'suppressed: hard bounce', source: 'router' }),
    ]);
    // The suppression belongs to the tenant: another tenant's message to the address is routed.
    await waitFor("the other tenant's render request", () =>
      renderRequests().some((candidate) => candidate.messageId === next.messageId),
    );
    expect(renderRequests().some((candidate) => candidate.messageId === message.messageId)).toBe(false);
    expect(await decisionRows(message.messageId)).toEqual([
      { decision: 'skipped', reason: 'suppressed: hard bounce' },
    ]);
  });

  /** Produces the events, each keyed as its publisher would, or all with `key` to share one partition. */
  async function produceDeliveryEvents(events: DeliveryEvent[], key?: string): Promise<void> {
    await producer.send({
      topic: DeliveryEventTopic.topic,
      messages: events.map((event) => ({
        key: key ?? DeliveryEventTopic.key(event),
        value: JSON.stringify(event),
      })),
    });
  }

  /** As sender-email reports a bounce: for the message, without the address it was sent to. */
  function bounceEvent(messageId: string, bounceType: string): DeliveryEvent {
    return {
      tenantId: 'acme',
      messageId,
      type: 'bounced',
      occurredAt: '2030-01-01T10:00:05.000Z',
      source: 'sender-email',
      channel: 'email',
      provider: 'ses',
      reason: `${bounceType}: smtp; 550 5.1.1 user unknown`,
      detail: { bounceType, notificationId: randomUUID(), providerMessageId: `ses-${randomUUID()}` },
    };
  }

  /** Routes a message to the address and waits for its render request: the router has decided it. */
  async function routedTo(address: string): Promise<MessageAccepted> {
    const message = acceptedMessage({ recipient: { email: address } });
    await produceAccepted(message);
    await waitFor('the render request', () =>
      renderRequests().some((candidate) => candidate.messageId === message.messageId),
    );
    return message;
  }

  // The address is stored encrypted: the row is found by its blind index, as the router finds it.
  const blindIndex = new BlindIndex(Buffer.from(TEST_ENCRYPTION_VARIABLES.BLIND_INDEX_KEY, 'base64'));

  async function suppressionReason(address: string): Promise<string | undefined> {
    const result = await db.query(
      "SELECT reason FROM router.suppressions WHERE tenant_id = 'acme' AND channel = 'email' AND address_index = $1",
      [blindIndex.compute({ tenantId: 'acme', kind: 'email', value: address })],
    );
    return result.rows[0]?.reason;
  }

  /** The delivery events whose record, as written on the topic, holds this text. */
  const deliveryRecordsHolding = (text: string) =>
    observer
      .records(DeliveryEventTopic.topic)
      .filter((record) => JSON.stringify(record.value).includes(text));

  it('suppresses the address a message was routed to after its permanent bounce, and skips the next message to it', async () => {
    const address = `hard-bounce-${randomUUID()}@example.com`;
    const bounced = await routedTo(address);

    await produceDeliveryEvents([bounceEvent(bounced.messageId, 'Permanent')]);

    const reason = await waitFor('the suppression', () => suppressionReason(address));
    expect(reason).toBe('bounce: Permanent: smtp; 550 5.1.1 user unknown');
    const message = acceptedMessage({ recipient: { email: address } });
    await produceAccepted(message);
    const [event] = await waitFor('the skipped event', () => {
      const events = eventsOf(message.messageId);
      return events.length > 0 && events;
    });
    expect(event).toMatchObject({ type: 'skipped', reason: `suppressed: ${reason}` });
    expect(renderRequests().some((candidate) => candidate.messageId === message.messageId)).toBe(false);
    expect(deliveryRecordsHolding(address)).toEqual([]);
  });

  it('suppresses the address of a complaint', async () => {
    const address = `complaint-${randomUUID()}@example.com`;
    const complained = await routedTo(address);

    await produceDeliveryEvents([
      {
        ...bounceEvent(complained.messageId, 'Permanent'),
        type: 'complained',
        reason: 'complaint: abuse',
        detail: { notificationId: randomUUID() },
      },
    ]);

    expect(await waitFor('the suppression', () => suppressionReason(address))).toBe('complaint: abuse');
    expect(deliveryRecordsHolding(address)).toEqual([]);
  });

  it('does not suppress the address of a transient bounce, nor anything for a message it never routed', async () => {
    const transient = `soft-bounce-${randomUUID()}@example.com`;
    const permanent = `hard-bounce-${randomUUID()}@example.com`;
    const [softBounced, hardBounced] = await Promise.all([routedTo(transient), routedTo(permanent)]);
    const neverRouted = randomUUID();

    const last = bounceEvent(hardBounced.messageId, 'Permanent');

    // One key: the events share a partition, so once the last is handled, so were the others.
    await produceDeliveryEvents(
      [bounceEvent(softBounced.messageId, 'Transient'), bounceEvent(neverRouted, 'Permanent'), last],
      DeliveryEventTopic.key(last),
    );

    await waitFor('the permanent bounce to be suppressed', () => suppressionReason(permanent));
    expect(await suppressionReason(transient)).toBeUndefined();
    const message = acceptedMessage({ recipient: { email: transient } });
    await produceAccepted(message);
    await waitFor('the render request', () =>
      renderRequests().some((candidate) => candidate.messageId === message.messageId),
    );
  });

  it('skips a message to an address that can never receive mail', async () => {
    const message = acceptedMessage({ recipient: { email: 'ada@nowhere.invalid' } });

    await produceAccepted(message);

    const [event] = await waitFor('the skipped event', () => {
      const events = eventsOf(message.messageId);
      return events.length > 0 && events;
    });
    expect(event).toMatchObject({
      type: 'skipped',
      reason: 'invalid address: the address is in the reserved .invalid domain, which never receives mail',
    });
  });

  it('answers 400 naming the field when a suppression is invalid', async () => {
    const response = await suppress('acme', { channel: 'fax', address: 'ada@example.com', reason: 'x' });

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ errors: [expect.objectContaining({ field: 'channel' })] });
  });

  it('moves a message whose email failed to its next channel, once however often the failure arrives', async () => {
    const message = acceptedMessage({
      recipient: { email: `fallback-${randomUUID()}@example.com`, phone: '+14155550123' },
      channels: ['email', 'sms'],
    });
    await produceAccepted(message);
    await waitFor('the email render request', () =>
      renderRequests().some((candidate) => candidate.messageId === message.messageId),
    );
    const failure: DeliveryEvent = {
      tenantId: 'acme',
      messageId: message.messageId,
      type: 'failed',
      occurredAt: new Date().toISOString(),
      source: 'sender-email',
      channel: 'email',
      reason: 'provider refused',
    };
    // Same key as the failures, so the same partition; reroutes are handled before suppressions, so
    // once the bounce's suppression of the message's address shows, both failures were handled.
    await produceDeliveryEvents([failure, failure, bounceEvent(message.messageId, 'Permanent')]);

    await waitFor('the sentinel suppression', () => suppressionReason(String(message.recipient.email)));
    const rerouted = await waitFor('the rerouted event', () => {
      const found = eventsOf(message.messageId).filter((event) => event.type === 'rerouted');
      return found.length > 0 && found;
    });
    expect(rerouted).toEqual([
      expect.objectContaining({
        channel: 'sms',
        reason: 'email failed: provider refused',
        detail: { from: 'email', to: 'sms' },
      }),
    ]);
    expect(renderRequests().filter((candidate) => candidate.messageId === message.messageId)).toEqual([
      expect.objectContaining({ channel: 'email' }),
      expect.objectContaining({ channel: 'sms', address: '+14155550123' }),
    ]);
    const reroutes = await db.query(
      'SELECT from_channel, to_channel FROM router.reroutes WHERE message_id = $1',
      [message.messageId],
    );
    expect(reroutes.rows).toEqual([{ from_channel: 'email', to_channel: 'sms' }]);
  });

  it('defers a message scheduled for later and releases it for rendering once due', async () => {
    const sendAt = new Date(Date.now() + 3000).toISOString();
    const message = acceptedMessage({ sendAt });

    await produceAccepted(message);

    await waitFor('the deferred event', () => eventsOf(message.messageId).length > 0);
    expect(eventsOf(message.messageId)).toEqual([
      expect.objectContaining({ type: 'deferred', reason: `scheduled for ${sendAt}` }),
    ]);
    expect(renderRequests().some((candidate) => candidate.messageId === message.messageId)).toBe(false);

    const request = await waitFor('the released render request', () =>
      renderRequests().find((candidate) => candidate.messageId === message.messageId),
    );
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(sendAt));
    expect(request).toMatchObject({ address: message.recipient.email, acceptedAt: message.acceptedAt });
    await waitFor('the routed event', () =>
      eventsOf(message.messageId).some((event) => event.type === 'routed'),
    );
    // Published inside the release transaction: the mark commits just after.
    await waitFor('the schedule to be marked released', async () => {
      const schedule = await db.query('SELECT released_at FROM router.schedules WHERE message_id = $1', [
        message.messageId,
      ]);
      return schedule.rows[0].released_at instanceof Date;
    });
    expect(renderRequests().filter((candidate) => candidate.messageId === message.messageId)).toHaveLength(1);
  });
});
