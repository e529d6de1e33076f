import { randomUUID } from 'node:crypto';
import {
  type DeliveryEvent,
  DeliveryEventTopic,
  type MessageAccepted,
  MessageAcceptedTopic,
} from '@switchboard/contracts';
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
import { startRouter } from '../src/router';
import { EncryptPlaintextRoutingRows } from '../src/routing/encrypt-plaintext-routing-rows';
import { EncryptPlaintextSuppressions } from '../src/suppressions/encrypt-plaintext-suppressions';

/** Values unique to one test, so that finding one in a dump means a leak. */
function newEmail(): string {
  return `jane.${randomUUID()}@example.com`;
}

function newPhone(): string {
  return `+1415555${String(Math.floor(Math.random() * 10_000)).padStart(4, '0')}`;
}

describe('router: suppressions, routing decisions, schedules and the policy ledger encrypted at rest', () => {
  let broker: TestBroker;
  let database: TestDatabase;
  let router: RunningService;
  let producer: Producer;
  let observer: TopicObserver;
  let db: Client;

  beforeAll(async () => {
    [broker, database] = await Promise.all([
      createTestBroker(),
      createTestDatabase('router_encryption_more'),
    ]);
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
    const kafka = testKafka(broker.brokers, 'router-encryption-more-int-spec');
    producer = await connectProducer(kafka);
    observer = await observeTopics(kafka, [DeliveryEventTopic.topic]);
    db = new Client({ connectionString: database.url });
    await db.connect();
  });

  afterAll(async () => {
    await observer?.stop();
    await producer?.disconnect();
    await router?.close();
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

  /** Every table of the router's schema, as text. */
  async function dump(): Promise<string> {
    const { rows: tables } = await db.query(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'router' AND table_type = 'BASE TABLE'",
    );
    const rows = await Promise.all(
      tables.map(async ({ table_name }) => (await db.query(`SELECT * FROM router.${table_name}`)).rows),
    );
    return JSON.stringify(rows);
  }

  function message(tenantId: string, overrides: Partial<MessageAccepted> = {}): MessageAccepted {
    return {
      tenantId,
      messageId: randomUUID(),
      acceptedAt: new Date().toISOString(),
      source: 'http',
      recipient: { email: newEmail() },
      content: { templateKey: 'welcome', data: {} },
      priority: 'normal',
      ...overrides,
    };
  }

  /** Routes the messages one after the other (one partition: in order) and answers each one's decision event. */
  async function route(...messages: MessageAccepted[]): Promise<DeliveryEvent[]> {
    await producer.send({
      topic: MessageAcceptedTopic.topic,
      messages: messages.map((candidate) => ({
        key: MessageAcceptedTopic.key(candidate),
        partition: 0,
        value: JSON.stringify(candidate),
      })),
    });
    return waitFor('a decision for each message', () => {
      const decided = messages.map((candidate) =>
        observer
          .payloads<DeliveryEvent>(DeliveryEventTopic.topic)
          .find(
            (event) =>
              event.messageId === candidate.messageId &&
              event.source === 'router' &&
              ['routed', 'skipped', 'deferred'].includes(event.type),
          ),
      );
      return decided.every((event) => event !== undefined) && (decided as DeliveryEvent[]);
    });
  }

  it('keeps suppressed addresses encrypted, and finds them by blind index for routing, the list and removal', async () => {
    const tenant = `supp-${randomUUID().slice(0, 8)}`;
    const email = newEmail();
    const phone = newPhone();
    expect(
      (await call('POST', `${tenant}/suppressions`, { channel: 'email', address: email, reason: 'asked' }))
        .status,
    ).toBe(201);
    expect(
      (await call('POST', `${tenant}/suppressions`, { channel: 'sms', address: phone, reason: 'STOP' }))
        .status,
    ).toBe(201);

    const stored = await dump();
    for (const value of [email, email.toUpperCase(), phone, phone.slice(1)])
      expect(stored).not.toContain(value);
    const { rows } = await db.query(
      'SELECT address, address_index FROM router.suppressions WHERE tenant_id = $1',
      [tenant],
    );
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row.address).toMatch(/^sbenc:v1:/);
      expect(row.address_index).toMatch(/^[A-Za-z0-9_-]{22}$/);
    }

    // The same address again, spelt otherwise: one suppression.
    const again = await call('POST', `${tenant}/suppressions`, {
      channel: 'email',
      address: email.toUpperCase(),
      reason: 'again',
    });
    expect(again.body).toMatchObject({ address: email, reason: 'asked' });
    const listed = await call('GET', `${tenant}/suppressions`);
    expect(listed.body.items.map((item: { address: string }) => item.address).sort()).toEqual(
      [email, phone].sort(),
    );
    const byAddress = await call(
      'GET',
      `${tenant}/suppressions?channel=email&address=${encodeURIComponent(email.toUpperCase())}`,
    );
    expect(byAddress.body.items).toEqual([expect.objectContaining({ address: email, reason: 'asked' })]);

    const [toEmail] = await route(message(tenant, { recipient: { email: email.toUpperCase() } }));
    expect(toEmail).toMatchObject({ type: 'skipped', reason: 'suppressed: asked' });

    expect((await call('DELETE', `${tenant}/suppressions/sms/${encodeURIComponent(phone)}`)).status).toBe(
      204,
    );
    const [toPhone] = await route(message(tenant, { recipient: { phone }, channels: ['sms'] }));
    expect(toPhone.type).toBe('routed');
  });

  it('finds suppressions written in plaintext before encryption came, and encrypts them at start', async () => {
    const tenant = `plain-${randomUUID().slice(0, 8)}`;
    const email = newEmail();
    await db.query(
      `INSERT INTO router.suppressions (tenant_id, channel, address, reason, source) VALUES ($1, 'email', $2, 'old bounce', 'bounce')`,
      [tenant, email],
    );
    const [before] = await route(message(tenant, { recipient: { email } }));
    expect(before).toMatchObject({ type: 'skipped', reason: 'suppressed: old bounce' });

    const report = await router.app.get(EncryptPlaintextSuppressions).execute();
    expect(report.rewritten).toBeGreaterThanOrEqual(1);

    expect(await dump()).not.toContain(email);
    const [after] = await route(message(tenant, { recipient: { email } }));
    expect(after).toMatchObject({ type: 'skipped', reason: 'suppressed: old bounce' });
    expect((await call('GET', `${tenant}/suppressions`)).body.items).toEqual([
      expect.objectContaining({ address: email, reason: 'old bounce', source: 'bounce' }),
    ]);
    expect(await router.app.get(EncryptPlaintextSuppressions).execute()).toEqual({
      rewritten: 0,
      duplicatesRemoved: 0,
    });
  });

  it('counts frequency limits by the blind index of the recipient: the ledger names no address', async () => {
    const tenant = `caps-${randomUUID().slice(0, 8)}`;
    const email = newEmail();
    await call('POST', `${tenant}/message-types`, {
      key: 'deals',
      category: 'marketing',
      frequencyLimits: 'apply',
      overLimit: 'drop',
    });
    await call('PUT', `${tenant}/sending-settings`, {
      frequencyLimits: [{ category: 'marketing', limit: 1, windowSeconds: 86_400 }],
    });

    const [first, second] = await route(
      message(tenant, { type: 'deals', recipient: { email } }),
      message(tenant, { type: 'deals', recipient: { email } }),
    );
    expect(first.type).toBe('routed');
    expect(second).toMatchObject({ type: 'skipped', rule: 'frequency-limit' });

    const { rows } = await db.query('SELECT recipient FROM router.sends WHERE tenant_id = $1', [tenant]);
    expect(rows).toEqual([{ recipient: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/) }]);
    expect(await dump()).not.toContain(email);
  });

  it('keeps a decision’s address and render requests sealed with the recipient’s key, with the recipient id to erase by', async () => {
    const tenant = `decide-${randomUUID().slice(0, 8)}`;
    const email = newEmail();
    const secret = `order-${randomUUID()}`;
    const routed = message(tenant, {
      recipient: { id: `person-${randomUUID()}`, email },
      content: { templateKey: 'welcome', data: { orderNumber: secret } },
    });
    const [event] = await route(routed);
    expect(event.type).toBe('routed');

    const stored = await dump();
    expect(stored).not.toContain(email);
    expect(stored).not.toContain(secret);
    const { rows } = await db.query(
      'SELECT address, render_requests, recipient_id FROM router.decisions WHERE message_id = $1',
      [routed.messageId],
    );
    expect(rows).toEqual([
      {
        // Sealed with the render requests, as one value.
        address: null,
        render_requests: expect.stringMatching(/^sbenc:v1:/),
        recipient_id: routed.recipient.id,
      },
    ]);
    // The person's export opens the address again.
    const exported = await call('GET', `${tenant}/message-routing?ids=${routed.messageId}`);
    expect(exported.body.messages).toEqual([
      expect.objectContaining({
        messageId: routed.messageId,
        decision: expect.objectContaining({ decision: 'routed', channel: 'email', address: email }),
      }),
    ]);
  });

  it('keeps a deferred message’s and a recurring schedule’s recipient and content sealed, while the API reads them', async () => {
    const tenant = `later-${randomUUID().slice(0, 8)}`;
    const email = newEmail();
    const phone = newPhone();
    const secret = `plan-${randomUUID()}`;
    const deferred = message(tenant, {
      recipient: { id: `person-${randomUUID()}`, email },
      content: { templateKey: 'welcome', data: { plan: secret } },
      sendAt: new Date(Date.now() + 3_600_000).toISOString(),
    });
    const [event] = await route(deferred);
    expect(event.type).toBe('deferred');
    const scheduled = {
      recipient: { id: `person-${randomUUID()}`, phone },
      channels: ['sms'],
      content: { templateKey: 'reminder', data: { plan: secret } },
    };
    const created = await call('POST', `${tenant}/schedules`, {
      cron: '0 9 * * *',
      timeZone: 'UTC',
      message: scheduled,
    });
    expect(created.status).toBe(201);

    const stored = await dump();
    for (const value of [email, phone, phone.slice(1), secret]) expect(stored).not.toContain(value);
    const read = await call('GET', `${tenant}/schedules/${created.body.id}`);
    expect(read.body.message).toMatchObject(scheduled);
  });

  it('seals decisions, waiting and recurring schedules written in plaintext before encryption came, at start', async () => {
    const tenant = `old-${randomUUID().slice(0, 8)}`;
    const email = newEmail();
    const phone = newPhone();
    const secret = `old-${randomUUID()}`;
    const recipientId = `person-${randomUUID()}`;
    const old = message(tenant, {
      recipient: { id: recipientId, email },
      content: { templateKey: 'welcome', data: { plan: secret } },
    });
    const renderRequests = [
      {
        tenantId: tenant,
        messageId: old.messageId,
        recipientId,
        channel: 'email',
        address: email,
        acceptedAt: old.acceptedAt,
      },
    ];
    await db.query(
      `INSERT INTO router.decisions (message_id, tenant_id, decision, channel, address, decided_at, render_requests)
       VALUES ($1, $2, 'routed', 'email', $3, now(), $4)`,
      [old.messageId, tenant, email, JSON.stringify(renderRequests)],
    );
    await db.query(
      `INSERT INTO router.schedules (message_id, tenant_id, due_at, rule, message, payload)
       VALUES ($1, $2, now() + interval '1 day', 'send-at', $3, '[]')`,
      [randomUUID(), tenant, JSON.stringify({ ...old, messageId: randomUUID() })],
    );
    const scheduleId = randomUUID();
    const scheduled = {
      recipient: { id: recipientId, phone },
      channels: ['sms'],
      content: { templateKey: 'reminder', data: { plan: secret } },
    };
    await db.query(
      `INSERT INTO router.recurring_schedules (id, tenant_id, cron, time_zone, message, tolerance_seconds, status, created_at, updated_at)
       VALUES ($1, $2, '0 9 * * *', 'UTC', $3, 3600, 'paused', now(), now())`,
      [scheduleId, tenant, JSON.stringify(scheduled)],
    );
    expect((await call('GET', `${tenant}/schedules/${scheduleId}`)).body.message).toMatchObject(scheduled);

    const report = await router.app.get(EncryptPlaintextRoutingRows).execute();
    expect(report).toEqual({ decisions: 1, schedules: 1, recurringSchedules: 1 });

    const stored = await dump();
    for (const value of [email, phone, phone.slice(1), secret]) expect(stored).not.toContain(value);
    const { rows } = await db.query('SELECT recipient_id FROM router.decisions WHERE message_id = $1', [
      old.messageId,
    ]);
    expect(rows).toEqual([{ recipient_id: recipientId }]);
    expect((await call('GET', `${tenant}/schedules/${scheduleId}`)).body.message).toMatchObject(scheduled);
    expect(await router.app.get(EncryptPlaintextRoutingRows).execute()).toEqual({
      decisions: 0,
      schedules: 0,
      recurringSchedules: 0,
    });
  });
});
