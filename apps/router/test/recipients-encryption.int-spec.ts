import { createECDH, randomBytes, randomUUID } from 'node:crypto';
import {
  type MessageAccepted,
  MessageAcceptedTopic,
  type RenderRequested,
  RenderRequestedTopics,
} from '@switchboard/contracts';
import type { AddressLookup } from '@switchboard/security';
import { connectPayloadCipher, type StandalonePayloadCipher } from '@switchboard/encryption';
import type { RunningService } from '@switchboard/service-kit';
import { StructuredLogger } from '@switchboard/telemetry';
import {
  connectProducer,
  createTestBroker,
  createTestDatabase,
  observeTopics,
  serviceAuthorization,
  TEST_ENCRYPTION_VARIABLES,
  TEST_SERVICE_TOKEN_SECRETS,
  type TestBroker,
  type TestDatabase,
  testKafka,
  type TopicObserver,
  waitFor,
} from '@switchboard/testing';
import type { Producer } from 'kafkajs';
import { Client } from 'pg';
import { loadRouterConfig } from '../src/config';
import { EncryptPlaintextRecipients } from '../src/recipients/encrypt-plaintext-recipients';
import { RecipientEncryption } from '../src/recipients/recipient-encryption';
import { startRouter } from '../src/router';

const lookup: AddressLookup = async () => [{ address: '93.184.216.34', family: 4 }];

function browserKeys() {
  const browserKey = createECDH('prime256v1');
  browserKey.generateKeys();
  return {
    p256dh: browserKey.getPublicKey().toString('base64url'),
    auth: randomBytes(16).toString('base64url'),
  };
}

/** A person whose every value is unique to this test, so that finding one in a dump means a leak. */
function person() {
  const unique = randomUUID();
  const digits = String(Math.floor(Math.random() * 10_000)).padStart(4, '0');
  return {
    recipientId: `person-${unique}`,
    email: `jane.${unique}@example.com`,
    phone: `+1415555${digits}`,
    attributes: { plan: `platinum-${unique}`, city: `Springfield-${unique}` },
    endpoint: `https://push.example.com/send/${unique}`,
    keys: browserKeys(),
  };
}

describe('router: recipients encrypted at rest', () => {
  let broker: TestBroker;
  let database: TestDatabase;
  let router: RunningService;
  let producer: Producer;
  let cipher: StandalonePayloadCipher;
  let observer: TopicObserver;
  let db: Client;

  beforeAll(async () => {
    [broker, database] = await Promise.all([createTestBroker(), createTestDatabase('router_encryption')]);
    router = await startRouter(
      loadRouterConfig({
        ...broker.serviceVariables,
        DATABASE_URL: database.url,
        PORT: '0',
        SERVICE_TOKEN_SECRETS: TEST_SERVICE_TOKEN_SECRETS,
        ...TEST_ENCRYPTION_VARIABLES,
      }),
      new StructuredLogger('router', 'error'),
      { pushAddressLookup: lookup },
    );
    const kafka = testKafka(broker.brokers, 'router-encryption-int-spec');
    producer = await connectProducer(kafka);
    cipher = await connectPayloadCipher(database.url, TEST_ENCRYPTION_VARIABLES);
    observer = await observeTopics(
      kafka,
      Object.values(RenderRequestedTopics).map(({ topic }) => topic),
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

  async function call(method: string, path: string, body?: unknown) {
    const response = await fetch(`${router.url}/internal/tenants/${path}`, {
      method,
      headers: {
        ...serviceAuthorization('router'),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests assert on answers field by field
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as any };
  }

  async function register(someone: ReturnType<typeof person>): Promise<void> {
    const { recipientId, email, phone, attributes, endpoint, keys } = someone;
    expect((await call('PUT', `acme/recipients/${recipientId}`, { email, phone, attributes })).status).toBe(
      201,
    );
    expect(
      (await call('POST', `acme/recipients/${recipientId}/push-subscriptions`, { endpoint, keys })).status,
    ).toBe(201);
  }

  async function dump(): Promise<string> {
    const tables = [
      'router.recipients',
      'router.push_subscriptions',
      'encryption.encryption_data_keys',
      'encryption.encryption_destroyed_keys',
    ];
    const rows = await Promise.all(
      tables.map(async (table) => (await db.query(`SELECT * FROM ${table}`)).rows),
    );
    return JSON.stringify(rows, (_key, value: unknown) =>
      // bytea comes back as a Buffer: search it as text too.
      value && typeof value === 'object' && (value as { type?: string }).type === 'Buffer'
        ? Buffer.from((value as { data: number[] }).data).toString('latin1')
        : value,
    );
  }

  const renderRequests = () =>
    Object.values(RenderRequestedTopics).flatMap(({ topic }) => observer.payloads<RenderRequested>(topic));

  async function route(...recipientIds: string[]): Promise<MessageAccepted[]> {
    const messages = recipientIds.map((id): MessageAccepted => ({
      tenantId: 'acme',
      messageId: randomUUID(),
      acceptedAt: new Date().toISOString(),
      source: 'http',
      recipient: { id },
      content: { templateKey: 'welcome', data: {} },
      priority: 'high',
    }));
    // One send: the router reads these recipients in one batch.
    await producer.send({
      topic: MessageAcceptedTopic.topic,
      messages: messages.map((message) => ({
        key: MessageAcceptedTopic.key(message),
        value: JSON.stringify(message),
      })),
    });
    return messages;
  }

  it('keeps no email, phone, attribute, endpoint or push key in plaintext, while GET and routing read them', async () => {
    const jane = person();
    await register(jane);

    const stored = await dump();
    for (const value of [
      jane.email,
      jane.phone,
      jane.phone.slice(1),
      jane.attributes.plan,
      jane.attributes.city,
      jane.endpoint,
      jane.keys.p256dh,
      jane.keys.auth,
    ]) {
      expect(stored).not.toContain(value);
    }
    const { rows } = await db.query(
      `SELECT r.email, r.phone, r.attributes, s.endpoint, s.p256dh, s.auth, s.endpoint_index
       FROM router.recipients r JOIN router.push_subscriptions s USING (tenant_id, recipient_id)
       WHERE r.tenant_id = 'acme' AND r.recipient_id = $1`,
      [jane.recipientId],
    );
    expect(rows).toHaveLength(1);
    for (const column of ['email', 'phone', 'attributes', 'endpoint', 'p256dh', 'auth']) {
      expect(rows[0][column]).toMatch(/^sbenc:v1:/);
    }
    expect(rows[0].endpoint_index).toMatch(/^[A-Za-z0-9_-]{22}$/);

    const read = await call('GET', `acme/recipients/${jane.recipientId}`);
    expect(read.body).toMatchObject({
      email: jane.email,
      phone: jane.phone,
      attributes: jane.attributes,
      pushSubscriptions: [{ endpoint: jane.endpoint }],
    });

    const [byEmail] = await route(jane.recipientId);
    const emailRequest = await waitFor('the email render request', () =>
      renderRequests().find((request) => request.messageId === byEmail.messageId),
    );
    expect(emailRequest).toMatchObject({ channel: 'email', address: jane.email });

    // Push first: the request carries the subscription's endpoint and keys, decrypted.
    await call('PUT', `acme/recipients/${jane.recipientId}/preferences`, { channelOrder: ['push'] });
    const [byPush] = await route(jane.recipientId);
    const pushRequest = await waitFor('the push render request', () =>
      renderRequests().find((request) => request.messageId === byPush.messageId),
    );
    expect(pushRequest).toMatchObject({
      channel: 'push',
      pushSubscriptions: [{ endpoint: jane.endpoint, keys: jane.keys }],
    });
  });

  it('finds a subscription by its endpoint (blind index) to move, remove or drop it', async () => {
    const jane = person();
    const joe = person();
    await register(jane);
    await register(joe);

    // The same browser registered for Joe now: it moves to him, re-encrypted for him.
    const moved = await call('POST', `acme/recipients/${joe.recipientId}/push-subscriptions`, {
      endpoint: jane.endpoint,
      keys: jane.keys,
    });
    expect(moved.status).toBe(200);
    expect((await call('GET', `acme/recipients/${jane.recipientId}`)).body.pushSubscriptions).toEqual([]);
    expect(
      (await call('GET', `acme/recipients/${joe.recipientId}`)).body.pushSubscriptions.map(
        (subscription: { endpoint: string }) => subscription.endpoint,
      ),
    ).toEqual([joe.endpoint, jane.endpoint]);

    const query = new URLSearchParams({ endpoint: jane.endpoint }).toString();
    expect(
      (await call('DELETE', `acme/recipients/${joe.recipientId}/push-subscriptions?${query}`)).status,
    ).toBe(204);
    expect((await call('GET', `acme/recipients/${joe.recipientId}`)).body.pushSubscriptions).toEqual([
      { endpoint: joe.endpoint, createdAt: expect.any(String) },
    ]);
  });

  it('does not open a value copied into another recipient’s row: GET names the field, routing goes on without it', async () => {
    const jane = person();
    const joe = person();
    await register(jane);
    await register(joe);
    await db.query(
      `UPDATE router.recipients SET email = (SELECT email FROM router.recipients WHERE recipient_id = $1)
       WHERE recipient_id = $2`,
      [jane.recipientId, joe.recipientId],
    );

    const read = await call('GET', `acme/recipients/${joe.recipientId}`);
    expect(read.status).toBe(500);
    expect(read.body).toMatchObject({ code: 'RECIPIENT_UNREADABLE' });
    expect(read.body.detail).toContain('email (DECRYPTION_FAILED)');
    expect(JSON.stringify(read.body)).not.toContain(jane.email);

    // In one batch: Jane is routed to her email; Joe is not sent Jane's address, nor is the batch lost.
    const [toJane, toJoe] = await route(jane.recipientId, joe.recipientId);
    const forJane = await waitFor('Jane’s render request', () =>
      renderRequests().find((request) => request.messageId === toJane.messageId),
    );
    expect(forJane).toMatchObject({ channel: 'email', address: jane.email });
    const decided = await waitFor('Joe’s message to be decided', async () => {
      const { rows } = await db.query(
        'SELECT decision, channel, address FROM router.decisions WHERE message_id = $1',
        [toJoe.messageId],
      );
      return rows.length > 0 && rows;
    });
    expect(JSON.stringify(decided)).not.toContain(jane.email);
    expect(
      renderRequests().filter(
        (request) => request.messageId === toJoe.messageId && request.channel === 'email',
      ),
    ).toEqual([]);
  });

  it('reads a recipient whose key was destroyed (erasure) as erased: GET answers 410, routing finds nothing to send to', async () => {
    const jane = person();
    await register(jane);

    await router.app.get(RecipientEncryption).destroyRecipientKey('acme', jane.recipientId);

    const read = await call('GET', `acme/recipients/${jane.recipientId}`);
    expect(read.status).toBe(410);
    expect(read.body).toMatchObject({ code: 'RECIPIENT_ERASED' });
    const [message] = await route(jane.recipientId);
    await waitFor('the message to be decided', async () => {
      const { rows } = await db.query('SELECT 1 FROM router.decisions WHERE message_id = $1', [
        message.messageId,
      ]);
      return rows.length > 0;
    });
    const sent = renderRequests().filter(
      (request) => request.messageId === message.messageId && request.channel !== 'inapp',
    );
    expect(sent).toEqual([]);
  });

  it('encrypts rows written in plaintext before encryption came, reading them as they are meanwhile', async () => {
    const old = person();
    await db.query(
      `INSERT INTO router.recipients (tenant_id, recipient_id, email, phone, attributes)
       VALUES ('acme', $1, $2, $3, $4::jsonb)`,
      [old.recipientId, old.email, old.phone, JSON.stringify(old.attributes)],
    );
    await db.query(
      `INSERT INTO router.push_subscriptions (tenant_id, recipient_id, endpoint, p256dh, auth)
       VALUES ('acme', $1, $2, $3, $4)`,
      [old.recipientId, old.endpoint, old.keys.p256dh, old.keys.auth],
    );
    const before = await call('GET', `acme/recipients/${old.recipientId}`);
    expect(before.body).toMatchObject({ email: old.email, attributes: old.attributes });

    const report = await router.app.get(EncryptPlaintextRecipients).execute();

    expect(report.recipients).toBeGreaterThanOrEqual(1);
    expect(report.pushSubscriptions).toBeGreaterThanOrEqual(1);
    const stored = await dump();
    for (const value of [old.email, old.phone, old.attributes.plan, old.endpoint, old.keys.auth]) {
      expect(stored).not.toContain(value);
    }
    const after = await call('GET', `acme/recipients/${old.recipientId}`);
    expect(after.body).toEqual(before.body);
    // Indexed now: found by its endpoint.
    const query = new URLSearchParams({ endpoint: old.endpoint }).toString();
    expect(
      (await call('DELETE', `acme/recipients/${old.recipientId}/push-subscriptions?${query}`)).status,
    ).toBe(204);
    expect(await router.app.get(EncryptPlaintextRecipients).execute()).toEqual({
      recipients: 0,
      pushSubscriptions: 0,
      duplicatesRemoved: 0,
    });
  });

  it('keeps the data keys in the shared encryption schema, one per recipient, naming no recipient', async () => {
    const jane = person();
    await register(jane);

    const { rows } = await db.query(
      `SELECT table_schema FROM information_schema.tables WHERE table_name = 'encryption_data_keys'`,
    );
    expect(rows.map((row) => row.table_schema)).toEqual(['encryption']);
    const keys = await db.query(`SELECT recipient_index FROM encryption.encryption_data_keys`);
    expect(JSON.stringify(keys.rows)).not.toContain(jane.recipientId);
  });
});
