import { randomUUID } from 'node:crypto';
import { DEAD_LETTER_TOPIC, HeaderName, SmsChannelTopics, type PersonalData } from '@switchboard/contracts';
import { connectPayloadCipher } from '@switchboard/encryption';
import { ConsumerRunner, createKafka, EventPublisher } from '@switchboard/messaging';
import type { RunningService } from '@switchboard/service-kit';
import { StructuredLogger } from '@switchboard/telemetry';
import {
  connectProducer,
  createTestBroker,
  createTestDatabase,
  observeTopics,
  testKafka,
  type TestBroker,
  type TestDatabase,
  type TopicObserver,
  waitFor,
  TEST_SERVICE_TOKEN_SECRETS,
  serviceAuthorization,
  TEST_ENCRYPTION_VARIABLES,
} from '@switchboard/testing';
import type { Kafka, Producer } from 'kafkajs';
import { Client } from 'pg';
import { z } from 'zod';
import { startAnalyticsService } from '../src/analytics-service';
import { loadAnalyticsConfig } from '../src/config';

const POISON_TOPIC = 'sb.test.poison.v1';
// Stands for an upstream system's own topic: its events carry no Switchboard headers.
const UPSTREAM_TOPIC = 'test.upstream.orders';
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('analytics dead letters', () => {
  let broker: TestBroker;
  let database: TestDatabase;
  let service: RunningService;
  let kafka: Kafka;
  let producer: Producer;
  let observer: TopicObserver;
  let db: Client;

  beforeAll(async () => {
    [broker, database] = await Promise.all([
      createTestBroker(),
      createTestDatabase('analytics_dead_letters'),
    ]);
    kafka = testKafka(broker.brokers);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [
        { topic: POISON_TOPIC, numPartitions: 1 },
        { topic: UPSTREAM_TOPIC, numPartitions: 1 },
      ],
      waitForLeaders: true,
    });
    await admin.disconnect();
    service = await startAnalyticsService(
      loadAnalyticsConfig({
        ...broker.serviceVariables,
        ...TEST_ENCRYPTION_VARIABLES,
        DATABASE_URL: database.url,
        PORT: '0',
        SERVICE_TOKEN_SECRETS: TEST_SERVICE_TOKEN_SECRETS,
      }),
      new StructuredLogger('analytics', 'error'),
    );
    producer = await connectProducer(kafka);
    observer = await observeTopics(kafka, [POISON_TOPIC, UPSTREAM_TOPIC]);
    db = new Client({ connectionString: database.url });
    await db.connect();
  });

  afterAll(async () => {
    await observer?.stop();
    await producer?.disconnect();
    await service?.close();
    await db?.end();
    await broker?.stop();
    await database?.drop();
  });

  async function call(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- assertions read the answer field by field
  ): Promise<{ status: number; body: any }> {
    const response = await fetch(`${service.url}${path}`, {
      method,
      headers: {
        ...serviceAuthorization('analytics'),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
  }

  const list = (tenantId: string, query = '') => call('GET', `/internal/dead-letters/${tenantId}${query}`);
  const redrive = (tenantId: string, body: unknown) =>
    call('POST', `/internal/dead-letters/${tenantId}/redrive`, body);
  const operatorList = (query = '') => call('GET', `/internal/operator/dead-letters${query}`);
  const operatorRedrive = (body: unknown) => call('POST', '/internal/operator/dead-letters/redrive', body);

  /** An upstream event ingest refused, as it sits on the dead-letter topic: no tenant header. */
  function invalidUpstreamEvent(offset: number, value: string) {
    return {
      key: null,
      value,
      headers: {
        [HeaderName.originalTopic]: UPSTREAM_TOPIC,
        [HeaderName.originalPartition]: '0',
        [HeaderName.originalOffset]: String(offset),
        [HeaderName.error]: `${UPSTREAM_TOPIC} payload is invalid: recipient: must be an object`,
        [HeaderName.attempts]: '0',
      },
    };
  }

  async function waitForOperatorListing(offset: number) {
    return waitFor(`the dead letter of ${UPSTREAM_TOPIC} offset ${offset} stored`, async () => {
      const page = await operatorList(`?topic=${UPSTREAM_TOPIC}&status=all&limit=200`);
      return page.body.items.find(
        (item: { originalOffset: string }) => item.originalOffset === String(offset),
      );
    });
  }

  /** Parks one event the way a service does: its handler fails on every attempt. */
  async function parkPoisonEvent(messageId: string, payload: unknown): Promise<void> {
    const publisher = new EventPublisher(
      createKafka({ brokers: broker.brokers, clientId: 'poison-consumer' }),
    );
    const runner = new ConsumerRunner(
      createKafka({ brokers: broker.brokers, clientId: 'poison-consumer' }),
      publisher,
      {
        groupId: `poison-${messageId}`,
        maxAttempts: 2,
        retryBackoffMs: 10,
        log: () => undefined,
      },
    ).onInternal(POISON_TOPIC, z.looseObject({ orderId: z.string() }), async () => {
      throw new Error('template order-shipped has no published version');
    });
    await runner.start();
    try {
      await producer.send({
        topic: POISON_TOPIC,
        messages: [
          {
            key: 'acme:ada@example.com',
            value: JSON.stringify(payload),
            headers: {
              [HeaderName.tenant]: 'acme',
              [HeaderName.messageId]: messageId,
              [HeaderName.schemaName]: 'test.poison',
              [HeaderName.schemaVersion]: '1',
              [HeaderName.attempt]: '1',
              traceparent: TRACEPARENT,
            },
          },
        ],
      });
      await waitFor('the poison event in the list', async () => {
        const answer = await list('acme', `?topic=${POISON_TOPIC}&status=all`);
        return answer.body.items.some((item: { messageId: string }) => item.messageId === messageId);
      });
    } finally {
      await runner.stop();
      await publisher.disconnect();
    }
  }

  /** A dead letter as it sits on the dead-letter topic, written straight there. */
  function deadLetterRecord(headers: Record<string, string>, offset: string, value = '{"id":1}') {
    return {
      key: null,
      value,
      headers: {
        ...headers,
        [HeaderName.originalTopic]: 'sb.upstream.orders.v1',
        [HeaderName.originalPartition]: '0',
        [HeaderName.originalOffset]: offset,
        [HeaderName.error]: 'the value is not valid JSON',
        [HeaderName.attempts]: '0',
      },
    };
  }

  it('lists a parked poison event for its tenant only, and redrives it once to its original topic', async () => {
    const messageId = randomUUID();
    const payload = { orderId: 'order-7', items: 3 };
    await parkPoisonEvent(messageId, payload);

    const parked = await list('acme', `?topic=${POISON_TOPIC}`);
    expect(parked.status).toBe(200);
    expect(parked.body.items).toHaveLength(1);
    const [letter] = parked.body.items;
    expect(letter).toMatchObject({
      messageId,
      originalTopic: POISON_TOPIC,
      originalPartition: 0,
      reason: expect.stringContaining('template order-shipped has no published version'),
      attempts: 2,
      payload,
      redrivenAt: null,
    });

    // Another tenant neither sees nor redrives it.
    expect((await list('globex', '?status=all')).body.items).toEqual([]);
    expect((await redrive('globex', { ids: [letter.id] })).body).toEqual({
      redriven: 0,
      notFound: [letter.id],
    });
    expect((await redrive('globex', { topic: POISON_TOPIC })).body).toEqual({ redriven: 0, notFound: [] });

    const redriven = await redrive('acme', { ids: [letter.id] });
    expect(redriven).toEqual({ status: 200, body: { redriven: 1, notFound: [] } });

    const [original, again] = await waitFor('the event back on its topic', () => {
      const records = observer
        .records(POISON_TOPIC)
        .filter((record) => record.headers[HeaderName.messageId] === messageId);
      return records.length === 2 && records;
    });
    expect(again.value).toEqual(payload);
    expect(again.key).toBe(original.key);
    expect(again.headers).toEqual({
      [HeaderName.tenant]: 'acme',
      [HeaderName.messageId]: messageId,
      [HeaderName.schemaName]: 'test.poison',
      [HeaderName.schemaVersion]: '1',
      [HeaderName.attempt]: '1',
      [HeaderName.redrivenFrom]: letter.id,
      traceparent: TRACEPARENT,
    });

    expect((await list('acme', `?topic=${POISON_TOPIC}`)).body.items).toEqual([]);
    const shown = await list('acme', `?topic=${POISON_TOPIC}&status=redriven`);
    expect(shown.body.items).toEqual([{ ...letter, redrivenAt: expect.any(String) }]);

    // A second redrive finds nothing parked and sends nothing.
    expect((await redrive('acme', { ids: [letter.id] })).body).toEqual({
      redriven: 0,
      notFound: [letter.id],
    });
    expect((await redrive('acme', { topic: POISON_TOPIC })).body).toEqual({ redriven: 0, notFound: [] });
    expect(
      observer.records(POISON_TOPIC).filter((record) => record.headers[HeaderName.messageId] === messageId),
    ).toHaveLength(2);
  });

  it('stores a redelivered dead letter once, and one without a tenant for no tenant to see', async () => {
    const tenantless = deadLetterRecord({}, '41', 'not json at all');
    await producer.send({ topic: DEAD_LETTER_TOPIC, messages: [tenantless, tenantless] });

    const rows = await waitFor('the tenantless dead letter stored', async () => {
      const result = await db.query(
        `SELECT tenant_id, encode(payload, 'escape') AS payload FROM analytics.dead_letters
         WHERE original_topic = 'sb.upstream.orders.v1' AND original_offset = 41`,
      );
      return result.rows.length > 0 && result.rows;
    });
    // A later record proves the redelivery was consumed, and still only one row stands.
    await producer.send({ topic: DEAD_LETTER_TOPIC, messages: [deadLetterRecord({}, '42')] });
    await waitFor('the later dead letter stored', async () => {
      const result = await db.query(`SELECT 1 FROM analytics.dead_letters WHERE original_offset = 42`);
      return result.rows.length === 1;
    });
    const stored = await db.query(
      `SELECT count(*)::int AS count FROM analytics.dead_letters WHERE original_offset = 41`,
    );
    expect(stored.rows[0].count).toBe(1);
    expect(rows).toEqual([{ tenant_id: null, payload: 'not json at all' }]);
    expect((await list('acme', '?topic=sb.upstream.orders.v1&status=all')).body.items).toEqual([]);
  });

  it('pages newest first with a cursor, and names bad query fields', async () => {
    const tenant = { [HeaderName.tenant]: 'initech' };
    await producer.send({ topic: DEAD_LETTER_TOPIC, messages: [deadLetterRecord(tenant, '100', '{"n":1}')] });
    await producer.send({ topic: DEAD_LETTER_TOPIC, messages: [deadLetterRecord(tenant, '101', '{"n":2}')] });
    await waitFor('both stored', async () => (await list('initech')).body.items.length === 2);

    const first = await list('initech', '?limit=1');
    expect(first.body.items.map((item: { payload: unknown }) => item.payload)).toEqual([{ n: 2 }]);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await list('initech', `?limit=1&cursor=${first.body.nextCursor}`);
    expect(second.body).toEqual({
      items: [expect.objectContaining({ payload: { n: 1 } })],
      nextCursor: null,
    });

    const bad = await list('initech', '?limit=0&status=lost&cursor=nope');
    expect(bad.status).toBe(400);
    const fields = bad.body.errors.map((error: { field: string }) => error.field);
    expect(fields).toEqual(expect.arrayContaining(['limit', 'status']));
    const badCursor = await list('initech', '?cursor=nope');
    expect(badCursor.status).toBe(400);
    expect(badCursor.body.errors).toEqual([expect.objectContaining({ field: 'cursor' })]);
  });

  it('lists an invalid upstream event without a tenant header to the tenant its value names', async () => {
    const event = { type: 'order.shipped', tenant: 'umbrella', recipient: 'ada', data: { order: 'U-1' } };
    await producer.send({
      topic: DEAD_LETTER_TOPIC,
      messages: [invalidUpstreamEvent(7, JSON.stringify(event))],
    });

    const page = await waitFor('the letter in the tenant list', async () => {
      const answer = await list('umbrella', `?topic=${UPSTREAM_TOPIC}`);
      return answer.body.items.length > 0 && answer;
    });
    expect(page.status).toBe(200);
    expect(page.body.items).toEqual([
      expect.objectContaining({
        messageId: null,
        originalTopic: UPSTREAM_TOPIC,
        originalOffset: '7',
        reason: expect.stringContaining('recipient'),
        payload: event,
      }),
    ]);
    expect((await list('acme', `?topic=${UPSTREAM_TOPIC}&status=all`)).body.items).toEqual([]);
    const forOperators = await operatorList(`?tenant=umbrella&topic=${UPSTREAM_TOPIC}`);
    expect(forOperators.body.items).toEqual([{ ...page.body.items[0], tenantId: 'umbrella' }]);
  });

  it('lists a dead letter whose tenant cannot be read only to operators, who can redrive it', async () => {
    const notJson = 'order.shipped;tenant=acme';
    const badTenant = JSON.stringify({ type: 'order.shipped', tenant: '../acme', recipient: 'ada' });
    await producer.send({
      topic: DEAD_LETTER_TOPIC,
      messages: [invalidUpstreamEvent(20, notJson), invalidUpstreamEvent(21, badTenant)],
    });
    await waitForOperatorListing(21);

    const nobodys = await operatorList(`?withoutTenant=true&topic=${UPSTREAM_TOPIC}`);
    expect(nobodys.status).toBe(200);
    const ownerless = nobodys.body.items.filter((item: { originalOffset: string }) =>
      ['20', '21'].includes(item.originalOffset),
    );
    // Parked in one send, so in either order.
    expect(ownerless).toHaveLength(2);
    expect(ownerless).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ tenantId: null, originalOffset: '21', payload: JSON.parse(badTenant) }),
        expect.objectContaining({ tenantId: null, originalOffset: '20', payload: notJson }),
      ]),
    );
    const everyTenant = await operatorList(`?topic=${UPSTREAM_TOPIC}&status=all&limit=200`);
    expect(everyTenant.body.items.map((item: { id: string }) => item.id)).toEqual(
      expect.arrayContaining(ownerless.map((item: { id: string }) => item.id)),
    );
    expect((await list('acme', `?topic=${UPSTREAM_TOPIC}&status=all`)).body.items).toEqual([]);
    // A tenant cannot redrive it either, even knowing its id.
    expect((await redrive('acme', { ids: [ownerless[0].id] })).body).toEqual({
      redriven: 0,
      notFound: [ownerless[0].id],
    });

    // An operator puts those without a tenant back, byte for byte; letters of a tenant stay parked.
    const redriven = await operatorRedrive({ topic: UPSTREAM_TOPIC, withoutTenant: true });
    expect(redriven).toEqual({ status: 200, body: { redriven: 2, notFound: [] } });
    const values = await waitFor('both back on the upstream topic', () => {
      const records = observer
        .records(UPSTREAM_TOPIC)
        .filter((record) =>
          ownerless.some((item: { id: string }) => record.headers[HeaderName.redrivenFrom] === item.id),
        );
      return records.length === 2 && records.map((record) => record.value);
    });
    expect(values).toEqual(expect.arrayContaining([notJson, JSON.parse(badTenant)]));
    expect((await operatorList(`?withoutTenant=true&topic=${UPSTREAM_TOPIC}`)).body.items).toEqual([]);
    expect((await list('umbrella', `?topic=${UPSTREAM_TOPIC}`)).body.items).toHaveLength(1);
  });

  it('lists every tenant for operators, newest first, narrowed by tenant, topic and status', async () => {
    const tenant = (id: string) => ({ [HeaderName.tenant]: id });
    // Parked one millisecond apart, after every letter before them.
    const parkedAt = (step: number) => String(Date.now() + step);
    await producer.send({
      topic: DEAD_LETTER_TOPIC,
      messages: [
        { ...deadLetterRecord(tenant('hooli'), '300'), timestamp: parkedAt(1) },
        { ...deadLetterRecord(tenant('stark'), '301'), timestamp: parkedAt(2) },
        { ...deadLetterRecord({}, '302', '[1]'), timestamp: parkedAt(3) },
      ],
    });
    const orders = '?topic=sb.upstream.orders.v1&status=all';
    await waitFor('the three stored', async () => {
      const page = await operatorList(`${orders}&limit=200`);
      const offsets = page.body.items.map((item: { originalOffset: string }) => item.originalOffset);
      return ['300', '301', '302'].every((offset) => offsets.includes(offset));
    });

    const first = await operatorList(`${orders}&limit=2`);
    expect(
      first.body.items.map((item: { tenantId: string | null; originalOffset: string }) => [
        item.tenantId,
        item.originalOffset,
      ]),
    ).toEqual([
      [null, '302'],
      ['stark', '301'],
    ]);
    const second = await operatorList(`${orders}&limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.items[0]).toMatchObject({ tenantId: 'hooli', originalOffset: '300' });

    expect((await operatorList(`?tenant=stark`)).body.items).toEqual([
      expect.objectContaining({ tenantId: 'stark', originalOffset: '301' }),
    ]);
    expect((await operatorList(`?tenant=stark&status=redriven`)).body.items).toEqual([]);
    expect((await operatorList(`?tenant=stark&topic=${POISON_TOPIC}`)).body.items).toEqual([]);

    const both = await operatorList('?tenant=stark&withoutTenant=true');
    expect(both.status).toBe(400);
    expect(both.body.errors).toEqual([expect.objectContaining({ field: 'withoutTenant' })]);
    const badCursor = await operatorList('?cursor=nope');
    expect(badCursor.status).toBe(400);
    expect(badCursor.body.errors).toEqual([expect.objectContaining({ field: 'cursor' })]);
  });

  it("shows a tenant its dead letters' sealed personal fields opened, and operators as written", async () => {
    const cipher = await connectPayloadCipher(database.url, TEST_ENCRYPTION_VARIABLES);
    try {
      const topic = SmsChannelTopics.lanes.normal.topic;
      const sms = {
        tenantId: 'acme',
        messageId: randomUUID(),
        recipientId: `sealed-${randomUUID()}`,
        to: '+14155550177',
        text: `Your code is ${randomUUID().slice(0, 6)}`,
        smsType: 'Transactional',
      };
      const personalData = SmsChannelTopics.lanes.normal.personalData as PersonalData<unknown>;
      const [sealed] = await cipher.cipher.seal(personalData, [sms]);
      await producer.send({
        topic: DEAD_LETTER_TOPIC,
        messages: [
          {
            key: null,
            value: JSON.stringify(sealed),
            headers: {
              [HeaderName.tenant]: 'acme',
              [HeaderName.messageId]: sms.messageId,
              [HeaderName.originalTopic]: topic,
              [HeaderName.originalPartition]: '0',
              [HeaderName.originalOffset]: '7',
              [HeaderName.error]: 'attempts-exhausted: 8 of 8 attempts failed',
              [HeaderName.attempts]: '8',
            },
          },
        ],
      });

      const listed = await waitFor('the sealed dead letter listed for its tenant', async () => {
        const page = await list('acme', `?topic=${topic}&status=all`);
        return page.body.items.find((item: { messageId: string }) => item.messageId === sms.messageId);
      });
      expect(listed.payload).toEqual(sms);
      const operators = await operatorList(`?topic=${topic}&status=all&limit=200`);
      const asWritten = operators.body.items.find(
        (item: { messageId: string }) => item.messageId === sms.messageId,
      );
      expect(asWritten.payload).toMatchObject({
        to: expect.stringMatching(/^sbenc:v1:/),
        messageId: sms.messageId,
      });
      expect(JSON.stringify(asWritten.payload)).not.toContain(sms.to);
    } finally {
      await cipher.close();
    }
  });
});
