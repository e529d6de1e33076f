import { randomUUID } from 'node:crypto';
import {
  DEAD_LETTER_TOPIC,
  type DeliveryEvent,
  DeliveryEventTopic,
  HeaderName,
  type MessageAccepted,
  MessageAcceptedTopic,
  type MessageRequested,
  MessageRequestedTopic,
} from '@switchboard/contracts';
import { connectPayloadCipher, type StandalonePayloadCipher } from '@switchboard/encryption';
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
  TEST_ENCRYPTION_VARIABLES,
  TEST_SERVICE_TOKEN_SECRETS,
  serviceAuthorization,
} from '@switchboard/testing';
import type { Kafka, Producer } from 'kafkajs';
import { Client } from 'pg';
import { loadIngestConfig } from '../src/config';
import { MessageEncryption } from '../src/encryption/message-encryption';
import { startIngest } from '../src/ingest';

const UPSTREAM_TOPIC = 'shop.orders';
// Bound to the shop's tenant alone: 'umbrella' has the same trigger, but not on this topic.
const FOREIGN_TENANT = 'umbrella';

describe('ingest', () => {
  let broker: TestBroker;
  let database: TestDatabase;
  let ingest: RunningService;
  let kafka: Kafka;
  let producer: Producer;
  let cipher: StandalonePayloadCipher;
  let observer: TopicObserver;
  let db: Client;

  beforeAll(async () => {
    [broker, database] = await Promise.all([createTestBroker(), createTestDatabase('ingest_int')]);
    ingest = await startIngest(
      loadIngestConfig({
        ...broker.serviceVariables,
        DATABASE_URL: database.url,
        PORT: '0',
        SERVICE_TOKEN_SECRETS: TEST_SERVICE_TOKEN_SECRETS,
        ...TEST_ENCRYPTION_VARIABLES,
        INGEST_UPSTREAM_TOPICS: `${UPSTREAM_TOPIC}:acme`,
      }),
      new StructuredLogger('ingest', 'warn'),
    );
    kafka = testKafka(broker.brokers, 'ingest-int-spec');
    producer = await connectProducer(kafka);
    // Accepted messages are sealed on the topic: the observer opens them as the router would.
    cipher = await connectPayloadCipher(database.url, TEST_ENCRYPTION_VARIABLES);
    observer = await observeTopics(
      kafka,
      [MessageAcceptedTopic.topic, DeliveryEventTopic.topic, DEAD_LETTER_TOPIC],
      { cipher },
    );
    db = new Client({ connectionString: database.url });
    await db.connect();
  });

  afterAll(async () => {
    await observer?.stop();
    await producer?.disconnect();
    await ingest?.close();
    await cipher?.close();
    await db?.end();
    await broker?.stop();
    await database?.drop();
  });

  const accepted = () => observer.payloads<MessageAccepted>(MessageAcceptedTopic.topic);
  const deliveryEvents = () => observer.payloads<DeliveryEvent>(DeliveryEventTopic.topic);

  /** The recipient email of every stored message, opened as ingest opens them (they are stored encrypted). */
  async function storedEmails(): Promise<unknown[]> {
    const { rows } = await db.query('SELECT tenant_id, recipient, content FROM ingest.messages');
    const opened = await ingest.app
      .get(MessageEncryption)
      .openMany(
        rows.map((row) => ({ tenantId: row.tenant_id, recipient: row.recipient, content: row.content })),
      );
    expect(opened.every((values) => values.ok)).toBe(true);
    return opened.map((values) => (values.ok ? values.recipient.email : undefined));
  }

  async function storedRows(messageId: string): Promise<number> {
    const result = await db.query('SELECT count(*)::int AS rows FROM ingest.messages WHERE message_id = $1', [
      messageId,
    ]);
    return result.rows[0].rows as number;
  }

  function requested(overrides: Partial<MessageRequested> = {}): MessageRequested {
    return {
      tenantId: 'acme',
      messageId: randomUUID(),
      acceptedAt: new Date().toISOString(),
      source: 'http',
      recipient: { email: `ada-${randomUUID()}@example.com` },
      content: { subject: 'Hello', text: 'Hello Ada' },
      priority: 'normal',
      ...overrides,
    };
  }

  async function produceRequested(...messages: MessageRequested[]): Promise<void> {
    await producer.send({
      topic: MessageRequestedTopic.topic,
      messages: messages.map((message) => ({
        key: MessageRequestedTopic.key(message),
        value: JSON.stringify(message),
      })),
    });
  }

  async function produceUpstream(
    key: string,
    value: unknown,
    headers?: Record<string, string>,
  ): Promise<void> {
    await producer.send({
      topic: UPSTREAM_TOPIC,
      messages: [{ key, value: typeof value === 'string' ? value : JSON.stringify(value), headers }],
    });
  }

  async function createTrigger(tenantId: string, body: unknown): Promise<Response> {
    return fetch(`${ingest.url}/internal/tenants/${tenantId}/triggers`, {
      method: 'POST',
      headers: { ...serviceAuthorization('ingest'), 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  }

  it('is ready once Kafka, the database and its consumer are', async () => {
    const ready = await waitFor('ingest to be ready', async () => {
      const response = await fetch(`${ingest.url}/health/ready`);
      return response.status === 200 && ((await response.json()) as { checks: Record<string, string> });
    });
    expect(ready.checks).toEqual({ kafka: 'up', database: 'up', consumer: 'up' });
  });

  it('stores a requested message and publishes it as accepted, with an accepted delivery event', async () => {
    const message = requested({ sendAt: '2031-01-01T00:00:00.000Z', idempotencyKey: `key-${randomUUID()}` });

    await produceRequested(message);

    const published = await waitFor('the accepted message', () =>
      accepted().find((candidate) => candidate.messageId === message.messageId),
    );
    expect(published).toEqual(message);
    const event = await waitFor('the accepted delivery event', () =>
      deliveryEvents().find((candidate) => candidate.messageId === message.messageId),
    );
    expect(event).toEqual({
      tenantId: 'acme',
      messageId: message.messageId,
      type: 'accepted',
      occurredAt: message.acceptedAt,
      source: 'ingest',
    });
    expect(await storedRows(message.messageId)).toBe(1);
  });

  it('publishes the accepted message with its address and content sealed: the record as written holds neither', async () => {
    const subject = `Order ${randomUUID()}`;
    const message = requested({
      recipient: {
        id: `user-${randomUUID()}`,
        email: `grace-${randomUUID()}@example.com`,
        phone: '+14155550199',
      },
      content: { subject, text: 'Your parcel is on its way' },
    });

    await produceRequested(message);

    const record = await waitFor('the accepted message', () =>
      observer
        .records(MessageAcceptedTopic.topic)
        .find((candidate) => (candidate.value as MessageAccepted).messageId === message.messageId),
    );
    const written = JSON.stringify(record.written);
    for (const value of [
      message.recipient.email as string,
      '4155550199',
      subject,
      'Your parcel is on its way',
    ]) {
      expect(written).not.toContain(value);
    }
    // The recipient id stays readable (it names the key); the router opens the rest as it was.
    expect(record.written).toMatchObject({ recipient: { id: message.recipient.id } });
    expect(record.value).toEqual(message);
  });

  it('accepts a request published sealed, as the gateway publishes it', async () => {
    const message = requested({ content: { subject: 'Sealed', text: `Hello ${randomUUID()}` } });
    const sealingPublisher = new EventPublisher(kafka, { cipher: cipher.cipher });
    await sealingPublisher.connect();
    try {
      await sealingPublisher.publish(MessageRequestedTopic.topic, message);
    } finally {
      await sealingPublisher.disconnect();
    }

    const published = await waitFor('the accepted message', () =>
      accepted().find((candidate) => candidate.messageId === message.messageId),
    );
    expect(published).toEqual(message);
    expect(await storedEmails()).toContain(message.recipient.email);
  });

  it('keeps a redelivered requested message as one message', async () => {
    const message = requested();

    await produceRequested(message);
    await waitFor('the first delivery to be handled', () =>
      accepted().some((candidate) => candidate.messageId === message.messageId),
    );
    await produceRequested(message);

    const copies = await waitFor('both deliveries to be handled', () => {
      const found = accepted().filter((candidate) => candidate.recipient.email === message.recipient.email);
      return found.length === 2 && found;
    });
    expect(new Set(copies.map((copy) => copy.messageId))).toEqual(new Set([message.messageId]));
    expect(await storedRows(message.messageId)).toBe(1);
    const events = await waitFor('both accepted delivery events', () => {
      const found = deliveryEvents().filter((event) => event.messageId === message.messageId);
      return found.length === 2 && found;
    });
    expect(events[1]).toEqual(events[0]);
  });

  it('keeps the recipient id, channels and channel policy of a message, also when it is redelivered', async () => {
    const message = requested({
      recipient: { id: `user-${randomUUID()}`, phone: '+14155550123' },
      channels: ['sms', 'inapp'],
      channelPolicy: 'all',
    });

    await produceRequested(message);
    await waitFor('the first delivery to be handled', () =>
      accepted().some((candidate) => candidate.messageId === message.messageId),
    );
    await produceRequested(message);

    const copies = await waitFor('both deliveries to be handled', () => {
      const found = accepted().filter((candidate) => candidate.messageId === message.messageId);
      return found.length === 2 && found;
    });
    expect(copies).toEqual([message, message]);
    const stored = await db.query(
      'SELECT recipient, channels, channel_policy FROM ingest.messages WHERE message_id = $1',
      [message.messageId],
    );
    // The id stays readable (erasure and export find the person's messages by it); the number is sealed.
    expect(stored.rows).toEqual([
      {
        recipient: { id: message.recipient.id, phone: expect.stringMatching(/^sbenc:v1:/) },
        channels: ['sms', 'inapp'],
        channel_policy: 'all',
      },
    ]);
  });

  it('publishes a message that was stored but not published before it was redelivered', async () => {
    const message = requested();
    // What a crash between the insert and the publish leaves behind.
    await db.query(
      `INSERT INTO ingest.messages (message_id, tenant_id, source, recipient, content, priority, accepted_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        message.messageId,
        message.tenantId,
        message.source,
        JSON.stringify(message.recipient),
        JSON.stringify(message.content),
        message.priority,
        message.acceptedAt,
      ],
    );

    await produceRequested(message);

    const published = await waitFor('the accepted message', () =>
      accepted().find((candidate) => candidate.messageId === message.messageId),
    );
    expect(published).toEqual(message);
    expect(await storedRows(message.messageId)).toBe(1);
  });

  it('drops a second message that reuses an idempotency key, reporting it as a duplicate', async () => {
    const idempotencyKey = `key-${randomUUID()}`;
    const first = requested({ idempotencyKey });
    // Same recipient, so the same partition: the first one is handled first.
    const second = requested({ idempotencyKey, recipient: first.recipient });

    await produceRequested(first, second);

    const duplicate = await waitFor('the duplicate delivery event', () =>
      deliveryEvents().find((event) => event.messageId === second.messageId),
    );
    expect(duplicate).toMatchObject({ type: 'duplicate', reason: expect.stringContaining(idempotencyKey) });
    expect(accepted().some((message) => message.messageId === second.messageId)).toBe(false);
    expect(await storedRows(second.messageId)).toBe(0);
  });

  describe('triggers API', () => {
    it('creates a trigger, lists it, and refuses a second one for the same event type', async () => {
      const created = await createTrigger('globex', {
        eventType: 'invoice.paid',
        templateKey: 'invoice-paid',
      });
      expect(created.status).toBe(201);
      expect(await created.json()).toEqual({
        eventType: 'invoice.paid',
        templateKey: 'invoice-paid',
        channel: 'email',
        createdAt: expect.any(String),
      });

      const again = await createTrigger('globex', { eventType: 'invoice.paid', templateKey: 'other' });
      expect(again.status).toBe(409);
      expect(await again.json()).toMatchObject({ code: 'TRIGGER_EXISTS' });

      const list = await fetch(`${ingest.url}/internal/tenants/globex/triggers`, {
        headers: serviceAuthorization('ingest'),
      });
      expect(await list.json()).toEqual({
        triggers: [expect.objectContaining({ eventType: 'invoice.paid', templateKey: 'invoice-paid' })],
      });
    });

    it('answers 400 naming the field when the trigger is invalid', async () => {
      const response = await createTrigger('globex', { eventType: 'invoice.sent', templateKey: 'Not A Key' });

      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({
        errors: [expect.objectContaining({ field: 'templateKey' })],
      });
    });
  });

  describe('upstream events', () => {
    beforeAll(async () => {
      for (const tenant of ['acme', FOREIGN_TENANT]) {
        const response = await createTrigger(tenant, {
          eventType: 'order.shipped',
          templateKey: 'order-shipped',
        });
        expect(response.status).toBe(201);
      }
    });

    function upstreamEvent(overrides: Record<string, unknown> = {}) {
      return {
        type: 'order.shipped',
        tenant: 'acme',
        recipient: { email: `ada-${randomUUID()}@example.com` },
        data: { orderNumber: 'A-7' },
        ...overrides,
      };
    }

    it('turns an event that matches a trigger into a message with the template and the data', async () => {
      const event = upstreamEvent();

      await produceUpstream('customer-1', event);

      const message = await waitFor('the message made from the event', () =>
        accepted().find((candidate) => candidate.recipient.email === event.recipient.email),
      );
      expect(message).toMatchObject({
        tenantId: 'acme',
        source: 'upstream',
        content: { templateKey: 'order-shipped', data: { orderNumber: 'A-7' } },
      });
      const row = await db.query('SELECT upstream_topic FROM ingest.messages WHERE message_id = $1', [
        message.messageId,
      ]);
      expect(row.rows).toEqual([{ upstream_topic: UPSTREAM_TOPIC }]);
    });

    it('makes an event re-published with the same idempotency key the same message', async () => {
      const event = upstreamEvent({ idempotencyKey: `order-${randomUUID()}` });

      await produceUpstream('customer-2', event);
      await waitFor('the first copy to be handled', () =>
        accepted().some((candidate) => candidate.recipient.email === event.recipient.email),
      );
      await produceUpstream('customer-2', event);

      const copies = await waitFor('both copies to be handled', () => {
        const found = accepted().filter((candidate) => candidate.recipient.email === event.recipient.email);
        return found.length === 2 && found;
      });
      expect(copies[1].messageId).toBe(copies[0].messageId);
      expect(await storedRows(copies[0].messageId)).toBe(1);
    });

    it('skips an event no trigger matches, publishes nothing for it, and goes on with the next', async () => {
      const unmatched = upstreamEvent({ type: 'cart.abandoned' });
      const next = upstreamEvent();

      await produceUpstream('customer-3', unmatched);
      await produceUpstream('customer-3', next);

      await waitFor('the next event to become a message', () =>
        accepted().some((candidate) => candidate.recipient.email === next.recipient.email),
      );
      expect(accepted().some((candidate) => candidate.recipient.email === unmatched.recipient.email)).toBe(
        false,
      );
      expect(await storedEmails()).not.toContain(unmatched.recipient.email);
    });

    it('dead-letters malformed JSON with the reason and goes on with the next event', async () => {
      const next = upstreamEvent();

      await produceUpstream('customer-4', '{"type": "order.shipped", "tenant": ');
      await produceUpstream('customer-4', next);

      const deadLetter = await waitFor('the dead letter', () =>
        observer
          .records(DEAD_LETTER_TOPIC)
          .find((record) => record.headers[HeaderName.originalTopic] === UPSTREAM_TOPIC),
      );
      expect(deadLetter.value).toBe('{"type": "order.shipped", "tenant": ');
      expect(deadLetter.headers[HeaderName.error]).toContain('not valid JSON');
      expect(deadLetter.headers[HeaderName.originalOffset]).toMatch(/^\d+$/);
      await waitFor('the next event to become a message', () =>
        accepted().some((candidate) => candidate.recipient.email === next.recipient.email),
      );
    });

    it('dead-letters an event that breaks the envelope, naming the field', async () => {
      const bad = upstreamEvent({ recipient: { email: 'not-an-address' } });

      await produceUpstream('customer-5', bad);

      const deadLetter = await waitFor('the dead letter', () =>
        observer
          .records(DEAD_LETTER_TOPIC)
          .find(
            (record) =>
              (record.value as { recipient?: { email?: string } }).recipient?.email === 'not-an-address',
          ),
      );
      expect(deadLetter.headers[HeaderName.error]).toContain('recipient.email');
    });

    it('dead-letters an event naming a tenant its topic is not bound to, and accepts the events around it', async () => {
      const before = upstreamEvent();
      const foreign = upstreamEvent({ tenant: FOREIGN_TENANT });
      const after = upstreamEvent();

      await produceUpstream('customer-6', before);
      // A forged tenant header must not make the dead letter look like the bound tenant's either.
      await produceUpstream('customer-6', foreign, { [HeaderName.tenant]: 'acme' });
      await produceUpstream('customer-6', after);

      const deadLetter = await waitFor('the dead letter of the foreign event', () =>
        observer
          .records(DEAD_LETTER_TOPIC)
          .find(
            (record) =>
              (record.value as { recipient?: { email?: string } }).recipient?.email ===
              foreign.recipient.email,
          ),
      );
      expect(deadLetter.headers[HeaderName.error]).toMatch(/^tenant-not-allowed: /);
      expect(deadLetter.headers[HeaderName.error]).toContain(FOREIGN_TENANT);
      expect(deadLetter.headers[HeaderName.originalTopic]).toBe(UPSTREAM_TOPIC);
      expect(deadLetter.headers[HeaderName.attempts]).toBe('1');
      expect(deadLetter.headers).not.toHaveProperty(HeaderName.tenant);
      await waitFor('the events around it to become messages', () =>
        [before, after].every((event) =>
          accepted().some((candidate) => candidate.recipient.email === event.recipient.email),
        ),
      );
      expect(accepted().some((candidate) => candidate.recipient.email === foreign.recipient.email)).toBe(
        false,
      );
      expect(await storedEmails()).not.toContain(foreign.recipient.email);
    });

    it('ignores sb-* headers an upstream producer sets', async () => {
      const forgedMessageId = randomUUID();
      const event = upstreamEvent();

      await produceUpstream('customer-7', event, {
        [HeaderName.tenant]: FOREIGN_TENANT,
        [HeaderName.messageId]: forgedMessageId,
        [HeaderName.attempt]: '99',
        // Obeyed, this would hold the partition for an hour.
        [HeaderName.notBefore]: new Date(Date.now() + 3_600_000).toISOString(),
        [HeaderName.redrivenFrom]: randomUUID(),
      });

      const published = await waitFor('the message made from the event', () =>
        observer
          .records(MessageAcceptedTopic.topic)
          .find((record) => (record.value as MessageAccepted).recipient.email === event.recipient.email),
      );
      const message = published.value as MessageAccepted;
      expect(message.tenantId).toBe('acme');
      expect(message.messageId).not.toBe(forgedMessageId);
      expect(published.headers).toMatchObject({
        [HeaderName.tenant]: 'acme',
        [HeaderName.messageId]: message.messageId,
        [HeaderName.attempt]: '1',
      });
      expect(published.headers).not.toHaveProperty(HeaderName.notBefore);
      expect(published.headers).not.toHaveProperty(HeaderName.redrivenFrom);
      expect(
        observer
          .records(DEAD_LETTER_TOPIC)
          .some((record) => record.headers[HeaderName.messageId] === forgedMessageId),
      ).toBe(false);
    });
  });
});
