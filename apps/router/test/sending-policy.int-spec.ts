import { randomUUID } from 'node:crypto';
import {
  type DeliveryEvent,
  DeliveryEventTopic,
  type MessageAccepted,
  MessageAcceptedTopic,
  type RenderRequested,
  RenderRequestedTopic,
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
  serviceAuthorization,
} from '@switchboard/testing';
import type { Producer } from 'kafkajs';
import { Client } from 'pg';
import { loadRouterConfig } from '../src/config';
import { startRouter } from '../src/router';
import { LedgerHousekeeping } from '../src/routing/ledger-housekeeping';

// Every rule against real PostgreSQL and the broker, with two router replicas in one group: the
// frequency limit must hold exactly whichever replica decides which message.
describe('sending policy (two router replicas)', () => {
  let broker: TestBroker;
  let database: TestDatabase;
  let replicas: RunningService[];
  let producer: Producer;
  let cipher: StandalonePayloadCipher;
  let observer: TopicObserver;
  let db: Client;

  beforeAll(async () => {
    [broker, database] = await Promise.all([createTestBroker(), createTestDatabase('router_policy')]);
    const config = loadRouterConfig({
      ...broker.serviceVariables,
      DATABASE_URL: database.url,
      PORT: '0',
      SERVICE_TOKEN_SECRETS: TEST_SERVICE_TOKEN_SECRETS,
      ...TEST_ENCRYPTION_VARIABLES,
      ROUTER_SCHEDULE_POLL_INTERVAL: '100ms',
    });
    replicas = [];
    replicas.push(await startRouter(config, new StructuredLogger('router', 'warn')));
    replicas.push(await startRouter(config, new StructuredLogger('router', 'warn')));
    await Promise.all(
      replicas.map((replica) =>
        waitFor(
          'the replica to be ready',
          async () => (await fetch(`${replica.url}/health/ready`)).ok,
          30_000,
        ),
      ),
    );
    const kafka = testKafka(broker.brokers, 'router-policy-int-spec');
    producer = await connectProducer(kafka);
    cipher = await connectPayloadCipher(database.url, TEST_ENCRYPTION_VARIABLES);
    observer = await observeTopics(kafka, [RenderRequestedTopic.topic, DeliveryEventTopic.topic], { cipher });
    db = new Client({ connectionString: database.url });
    await db.connect();
  }, 90_000);

  afterAll(async () => {
    await observer?.stop();
    await producer?.disconnect();
    await Promise.all((replicas ?? []).map((replica) => replica.close()));
    await cipher?.close();
    await db?.end();
    await broker?.stop();
    await database?.drop();
  });

  const renderRequestsOf = (ids: Set<string>) =>
    observer
      .payloads<RenderRequested>(RenderRequestedTopic.topic)
      .filter((request) => ids.has(request.messageId));
  const eventsOf = (ids: Set<string>) =>
    observer.payloads<DeliveryEvent>(DeliveryEventTopic.topic).filter((event) => ids.has(event.messageId));

  async function internal(method: string, path: string, body?: unknown): Promise<Response> {
    const response = await fetch(`${replicas[0].url}/internal/tenants/${path}`, {
      method,
      headers: { ...serviceAuthorization('router'), 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return response;
  }

  function accepted(tenantId: string, overrides: Partial<MessageAccepted> = {}): MessageAccepted {
    return {
      tenantId,
      messageId: randomUUID(),
      acceptedAt: new Date().toISOString(),
      source: 'http',
      recipient: { id: 'ada', email: 'ada@example.com' },
      content: { templateKey: 'weekly-deals', data: { week: 49 } },
      ...overrides,
    };
  }

  /** Spread over every partition, so that both replicas decide at the same time. */
  async function produceAcrossPartitions(messages: MessageAccepted[]): Promise<void> {
    await producer.send({
      topic: MessageAcceptedTopic.topic,
      messages: messages.map((message, index) => ({
        key: MessageAcceptedTopic.key(message),
        partition: index % 6,
        value: JSON.stringify(message),
      })),
    });
  }

  async function finalEvents(ids: Set<string>): Promise<DeliveryEvent[]> {
    return waitFor(
      `a decision for each of ${ids.size} messages`,
      () => {
        const decided = eventsOf(ids).filter((event) => event.source === 'router');
        return new Set(decided.map((event) => event.messageId)).size === ids.size && decided;
      },
      30_000,
    );
  }

  it('sends exactly the limit of 200 concurrent messages to one recipient, dropping the rest with the rule', async () => {
    const tenant = `caps-${randomUUID().slice(0, 8)}`;
    await internal('POST', `${tenant}/message-types`, {
      key: 'deals',
      category: 'marketing',
      frequencyLimits: 'apply',
      overLimit: 'drop',
    });
    await internal('PUT', `${tenant}/sending-settings`, {
      frequencyLimits: [{ category: 'marketing', limit: 5, windowSeconds: 86_400 }],
    });
    const messages = Array.from({ length: 200 }, () => accepted(tenant, { type: 'deals' }));
    const ids = new Set(messages.map((message) => message.messageId));

    await produceAcrossPartitions(messages);

    const events = await finalEvents(ids);
    const routed = events.filter((event) => event.type === 'routed');
    const limited = events.filter((event) => event.type === 'skipped' && event.rule === 'frequency-limit');
    expect(routed).toHaveLength(5);
    expect(limited).toHaveLength(195);
    expect(limited[0].reason).toContain('over the frequency limit: 5 marketing messages per 86400s');
    expect(renderRequestsOf(ids)).toHaveLength(5);
    const counted = await db.query('SELECT count(*)::int AS sends FROM router.sends WHERE tenant_id = $1', [
      tenant,
    ]);
    expect(counted.rows).toEqual([{ sends: 5 }]);
  });

  it('defers what is over a limit until the budget allows instead, for a type that says so', async () => {
    const tenant = `defer-${randomUUID().slice(0, 8)}`;
    await internal('POST', `${tenant}/message-types`, { key: 'deals', category: 'marketing' });
    await internal('PUT', `${tenant}/sending-settings`, {
      frequencyLimits: [{ limit: 1, windowSeconds: 3600 }],
    });
    const [first, second] = [accepted(tenant, { type: 'deals' }), accepted(tenant, { type: 'deals' })];

    await produceAcrossPartitions([first]);
    await finalEvents(new Set([first.messageId]));
    await produceAcrossPartitions([second]);

    const [deferred] = await finalEvents(new Set([second.messageId]));
    expect(deferred).toMatchObject({ type: 'deferred', rule: 'frequency-limit' });
    const waiting = await db.query('SELECT due_at, rule FROM router.schedules WHERE message_id = $1', [
      second.messageId,
    ]);
    expect(waiting.rows).toEqual([{ due_at: expect.any(Date), rule: 'frequency-limit' }]);
    const waitMs = (waiting.rows[0].due_at as Date).getTime() - Date.now();
    expect(waitMs).toBeGreaterThan(3500 * 1000 - 60_000);
  });

  it('skips the same content within the dedup window, and not what differs by its dedup key', async () => {
    const tenant = `dedup-${randomUUID().slice(0, 8)}`;
    await internal('POST', `${tenant}/message-types`, {
      key: 'receipt',
      category: 'transactional',
      dedupWindowSeconds: 600,
    });
    const original = accepted(tenant, { type: 'receipt' });
    const repeated = accepted(tenant, { type: 'receipt' });
    const otherOrder = accepted(tenant, { type: 'receipt', dedupKey: 'order-2' });

    await produceAcrossPartitions([original]);
    await finalEvents(new Set([original.messageId]));
    await produceAcrossPartitions([repeated, otherOrder]);

    const events = await finalEvents(new Set([repeated.messageId, otherOrder.messageId]));
    expect(events.find((event) => event.messageId === repeated.messageId)).toMatchObject({
      type: 'skipped',
      rule: 'duplicate',
      reason: `duplicate of message ${original.messageId} within 600s`,
    });
    expect(events.find((event) => event.messageId === otherOrder.messageId)?.type).toBe('routed');
  });

  it("skips a message of a category the recipient opted out of, and routes by the recipient's channel order", async () => {
    const tenant = `prefs-${randomUUID().slice(0, 8)}`;
    await internal('PUT', `${tenant}/recipients/ada`, { email: 'ada@example.com', phone: '+14155550123' });
    await internal('POST', `${tenant}/message-types`, {
      key: 'news',
      category: 'marketing',
      defaultChannels: ['email', 'sms'],
    });
    await internal('POST', `${tenant}/message-types`, {
      key: 'shipping',
      category: 'transactional',
      defaultChannels: ['email', 'sms'],
    });
    await internal('PUT', `${tenant}/recipients/ada/preferences`, {
      categories: { marketing: { enabled: false } },
      channelOrder: ['sms'],
    });
    const news = accepted(tenant, { type: 'news', recipient: { id: 'ada' } });
    const shipping = accepted(tenant, { type: 'shipping', recipient: { id: 'ada' } });

    await produceAcrossPartitions([news, shipping]);

    const events = await finalEvents(new Set([news.messageId, shipping.messageId]));
    expect(events.find((event) => event.messageId === news.messageId)).toMatchObject({
      type: 'skipped',
      rule: 'opted-out',
    });
    expect(events.find((event) => event.messageId === shipping.messageId)).toMatchObject({
      type: 'routed',
      channel: 'sms',
      detail: { messageType: 'shipping', channelOrder: 'recipient preference' },
    });
  });

  it('defers a message inside quiet hours to their end, and decides it again when released', async () => {
    const tenant = `quiet-${randomUUID().slice(0, 8)}`;
    await internal('POST', `${tenant}/message-types`, { key: 'digest', category: 'marketing' });
    const now = new Date();
    const hhmm = (at: Date) => at.toISOString().slice(11, 16);
    const window = {
      start: hhmm(new Date(now.getTime() - 3600_000)),
      end: hhmm(new Date(now.getTime() + 3600_000)),
    };
    await internal('PUT', `${tenant}/sending-settings`, { quietHours: window, timeZone: 'UTC' });
    const digest = accepted(tenant, { type: 'digest' });

    await produceAcrossPartitions([digest]);

    const [deferred] = await finalEvents(new Set([digest.messageId]));
    expect(deferred).toMatchObject({ type: 'deferred', rule: 'quiet-hours' });
    expect(deferred.reason).toContain(`quiet hours ${window.start}–${window.end} UTC`);
    expect(renderRequestsOf(new Set([digest.messageId]))).toEqual([]);

    // The window ends early (the tenant changes it) and the deferral falls due: it is decided again.
    for (const replica of replicas) {
      await fetch(`${replica.url}/internal/tenants/${tenant}/sending-settings`, {
        method: 'PUT',
        headers: { ...serviceAuthorization('router'), 'content-type': 'application/json' },
        body: JSON.stringify({ timeZone: 'UTC' }),
      });
    }
    await db.query(`UPDATE router.schedules SET due_at = now() WHERE message_id = $1`, [digest.messageId]);

    const request = await waitFor('the released render request', () =>
      renderRequestsOf(new Set([digest.messageId])).at(0),
    );
    expect(request).toMatchObject({ channel: 'email', address: 'ada@example.com' });
    const decision = await db.query('SELECT decision, rule FROM router.decisions WHERE message_id = $1', [
      digest.messageId,
    ]);
    expect(decision.rows).toEqual([{ decision: 'routed', rule: null }]);
  });

  it('skips a message of a type the tenant never defined, naming it', async () => {
    const message = accepted(`unknown-${randomUUID().slice(0, 8)}`, { type: 'nobody-made-this' });

    await produceAcrossPartitions([message]);

    const [skipped] = await finalEvents(new Set([message.messageId]));
    expect(skipped).toMatchObject({
      type: 'skipped',
      rule: 'unknown-message-type',
      reason: 'unknown message type "nobody-made-this"',
    });
  });

  it('purges ledger rows no rule can read any more and keeps the rest', async () => {
    const tenant = `purge-${randomUUID().slice(0, 8)}`;
    const [old, fresh] = [randomUUID(), randomUUID()];
    await db.query(
      `INSERT INTO router.sends (tenant_id, recipient, message_id, category, channel, sent_at)
       VALUES ($1, 'ada', $2, 'marketing', 'email', now() - interval '40 days'),
              ($1, 'ada', $3, 'marketing', 'email', now() - interval '1 day')`,
      [tenant, old, fresh],
    );
    await db.query(
      `INSERT INTO router.content_claims (tenant_id, recipient, fingerprint, message_id, expires_at)
       VALUES ($1, 'ada', 'expired', $2, now() - interval '1 minute'),
              ($1, 'ada', 'live', $3, now() + interval '1 hour')`,
      [tenant, old, fresh],
    );

    await replicas[0].app.get(LedgerHousekeeping).purge();

    const sends = await db.query('SELECT message_id FROM router.sends WHERE tenant_id = $1', [tenant]);
    const claims = await db.query('SELECT fingerprint FROM router.content_claims WHERE tenant_id = $1', [
      tenant,
    ]);
    expect(sends.rows).toEqual([{ message_id: fresh }]);
    expect(claims.rows).toEqual([{ fingerprint: 'live' }]);
  });
});
