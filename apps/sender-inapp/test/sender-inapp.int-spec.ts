import { randomUUID } from 'node:crypto';
import {
  DeliveryEventTopic,
  InappChannelTopics,
  type DeliveryEvent,
  type InappDispatch,
} from '@switchboard/contracts';
import { createEncryption } from '@switchboard/encryption';
import { createKafka, EventPublisher } from '@switchboard/messaging';
import { createDataSource } from '@switchboard/persistence';
import { issueRecipientToken } from '@switchboard/security';
import type { RunningService } from '@switchboard/service-kit';
import { StructuredLogger } from '@switchboard/telemetry';
import {
  createTestBroker,
  createTestDatabase,
  observeTopics,
  TEST_ENCRYPTION_VARIABLES,
  testKafka,
  waitFor,
  type TestBroker,
  type TestDatabase,
  type TopicObserver,
} from '@switchboard/testing';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { loadSenderInappConfig, type SenderInappConfig } from '../src/config';
import { InboxItemEncryption } from '../src/inbox/inbox-item-encryption';
import { InboxItemEntity } from '../src/inbox/inbox-item.entity';
import { InboxRepository } from '../src/inbox/inbox.repository';
import { startSenderInappService } from '../src/sender-inapp-service';
import { InboxLiveFeed } from '../src/stream/inbox-live-feed';
import { PostgresInboxAnnouncements } from '../src/stream/postgres-inbox-announcements';
import { openEventStream, type EventStreamClient } from './support/event-stream-client';

const SECRET = 'inbox-token-secret-for-the-int-spec-0123456789';
const OTHER_SECRET = 'another-secret-that-this-service-does-not-know-42';
const BROWSER_ORIGIN = 'https://app.example.com';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests assert on answers field by field
type Answer = { status: number; headers: Headers; body: any };

describe('sender-inapp service', () => {
  let broker: TestBroker;
  let database: TestDatabase;
  let config: SenderInappConfig;
  let service: RunningService;
  let publisher: EventPublisher;
  let observer: TopicObserver;
  let db: Client;
  const streams: EventStreamClient[] = [];

  beforeAll(async () => {
    [broker, database] = await Promise.all([createTestBroker(), createTestDatabase('sender_inapp_int')]);
    config = loadSenderInappConfig({
      ...broker.serviceVariables,
      DATABASE_URL: database.url,
      PORT: '0',
      INBOX_TOKEN_SECRETS: SECRET,
      INBOX_CORS_ORIGINS: BROWSER_ORIGIN,
      INBOX_STREAM_HEARTBEAT: '300ms',
      ...TEST_ENCRYPTION_VARIABLES,
    });
    service = await startSenderInappService(config, new StructuredLogger('sender-inapp', 'error'));
    publisher = new EventPublisher(
      createKafka({ brokers: broker.brokers, clientId: 'sender-inapp-int-spec' }),
    );
    await publisher.connect();
    observer = await observeTopics(testKafka(broker.brokers), [DeliveryEventTopic.topic]);
    db = new Client({ connectionString: database.url });
    await db.connect();
  });

  afterAll(async () => {
    for (const stream of streams) stream.close();
    await observer?.stop();
    await publisher?.disconnect();
    await service?.close();
    await db?.end();
    await broker?.stop();
    await database?.drop();
  });

  const tokenFor = (recipientId: string, tenantId = 'acme') =>
    issueRecipientToken({ tenantId, recipientId, ttlSeconds: 600 }, SECRET);

  function dispatch(recipientId: string, overrides: Partial<InappDispatch> = {}): InappDispatch {
    const messageId = randomUUID();
    return {
      tenantId: 'acme',
      messageId,
      recipientId,
      title: `Your order shipped (${messageId})`,
      body: 'It arrives on Tuesday.',
      actionUrl: 'https://shop.example.com/orders/42',
      data: { orderId: 42 },
      ...overrides,
    };
  }

  async function call(method: string, path: string, token: string | null, body?: unknown): Promise<Answer> {
    const response = await fetch(`${service.url}${path}`, {
      method,
      headers: {
        ...(token === null ? {} : { authorization: `Bearer ${token}` }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
  }

  const eventsOf = (messageId: string) =>
    observer
      .payloads<DeliveryEvent>(DeliveryEventTopic.topic)
      .filter((event) => event.messageId === messageId);

  async function delivered(item: InappDispatch): Promise<void> {
    await waitFor(`message ${item.messageId} in the inbox`, async () => {
      const page = await call('GET', '/v1/inbox?status=all&limit=100', tokenFor(item.recipientId));
      return page.body.items.some((stored: { messageId: string }) => stored.messageId === item.messageId);
    });
  }

  async function openStream(
    recipientId: string,
    headers: Record<string, string> = {},
  ): Promise<EventStreamClient> {
    const stream = await openEventStream(`${service.url}/v1/inbox/stream`, {
      authorization: `Bearer ${tokenFor(recipientId)}`,
      ...headers,
    });
    streams.push(stream);
    return stream;
  }

  it("puts a dispatched message in its recipient's inbox once, even when delivered twice, and reports it sent", async () => {
    const recipientId = `ada-${randomUUID()}`;
    const item = dispatch(recipientId);
    await publisher.publish(InappChannelTopics.lanes.high.topic, item);
    await delivered(item);
    await publisher.publish(InappChannelTopics.lanes.high.topic, item);
    // Same recipient, same partition: once the marker is stored the redelivery has been handled.
    const marker = dispatch(recipientId, { title: 'marker' });
    await publisher.publish(InappChannelTopics.lanes.high.topic, marker);
    await delivered(marker);

    const page = await call('GET', '/v1/inbox', tokenFor(recipientId));
    expect(page.status).toBe(200);
    expect(page.body).toEqual({
      items: [
        expect.objectContaining({ messageId: marker.messageId, title: 'marker' }),
        {
          messageId: item.messageId,
          title: item.title,
          body: item.body,
          actionUrl: item.actionUrl,
          data: item.data,
          createdAt: expect.any(String),
          readAt: null,
          archivedAt: null,
        },
      ],
      nextCursor: null,
    });
    const stored = await db.query(
      'SELECT count(*)::int AS count FROM sender_inapp.inbox_items WHERE message_id = $1',
      [item.messageId],
    );
    expect(stored.rows[0].count).toBe(1);
    const [sent] = await waitFor(
      'the sent event',
      () => eventsOf(item.messageId).length > 0 && eventsOf(item.messageId),
    );
    expect(sent).toEqual({
      tenantId: 'acme',
      messageId: item.messageId,
      type: 'sent',
      occurredAt: page.body.items[1].createdAt,
      source: 'sender-inapp',
      channel: 'inapp',
      provider: 'inbox',
    });
  });

  it("never shows or changes another recipient's items", async () => {
    const ada = `ada-${randomUUID()}`;
    const bob = `bob-${randomUUID()}`;
    const adaItem = dispatch(ada);
    await publisher.publish(InappChannelTopics.lanes.normal.topic, adaItem);
    await delivered(adaItem);

    const bobsView = await call('GET', '/v1/inbox?status=all', tokenFor(bob));
    expect(bobsView.body).toEqual({ items: [], nextCursor: null });
    // The same recipient id in another tenant is another person.
    const otherTenant = await call('GET', '/v1/inbox', tokenFor(ada, 'globex'));
    expect(otherTenant.body.items).toEqual([]);

    const bobMarks = await call('PATCH', `/v1/inbox/${adaItem.messageId}`, tokenFor(bob), {
      read: true,
      archived: true,
    });
    expect(bobMarks.status).toBe(404);
    expect(bobMarks.body).toMatchObject({ status: 404, code: 'INBOX_ITEM_NOT_FOUND' });
    const adasView = await call('GET', '/v1/inbox', tokenFor(ada));
    expect(adasView.body.items[0]).toMatchObject({
      messageId: adaItem.messageId,
      readAt: null,
      archivedAt: null,
    });
  });

  it('refuses a missing, expired, tampered or foreign-signed token with 401', async () => {
    const recipientId = `ada-${randomUUID()}`;
    const expired = issueRecipientToken(
      { tenantId: 'acme', recipientId, ttlSeconds: 60 },
      SECRET,
      new Date(Date.now() - 120_000),
    );
    const [payload, signature] = tokenFor(recipientId).split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    const tampered = `${Buffer.from(JSON.stringify({ ...claims, recipientId: 'someone-else' })).toString('base64url')}.${signature}`;
    const foreign = issueRecipientToken({ tenantId: 'acme', recipientId, ttlSeconds: 600 }, OTHER_SECRET);

    const missing = await call('GET', '/v1/inbox', null);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
    expect(missing.headers.get('content-type')).toContain('application/problem+json');

    for (const [token, reason] of [
      [expired, 'expired'],
      [tampered, 'bad-signature'],
      [foreign, 'bad-signature'],
      ['not-a-token', 'malformed'],
    ]) {
      const answer = await call('GET', '/v1/inbox/unread-count', token);
      expect({ status: answer.status, code: answer.body.code, reason: answer.body.reason }).toEqual({
        status: 401,
        code: 'UNAUTHENTICATED',
        reason,
      });
      expect(answer.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    }
    const expiredStream = await fetch(`${service.url}/v1/inbox/stream`, {
      headers: { authorization: `Bearer ${expired}` },
    });
    expect(expiredStream.status).toBe(401);
  });

  it('counts unread items, marks read, unread and archived, and reports the first read and the archiving', async () => {
    const recipientId = `ada-${randomUUID()}`;
    const items = [dispatch(recipientId), dispatch(recipientId), dispatch(recipientId)];
    await publisher.publishMany(InappChannelTopics.lanes.bulk.topic, items);
    for (const item of items) await delivered(item);
    const token = tokenFor(recipientId);
    const [first, second, third] = items;
    const unread = async () => (await call('GET', '/v1/inbox/unread-count', token)).body;
    expect(await unread()).toEqual({ unread: 3 });

    const read = await call('PATCH', `/v1/inbox/${first.messageId}`, token, { read: true });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({
      messageId: first.messageId,
      readAt: expect.any(String),
      archivedAt: null,
    });
    expect(await unread()).toEqual({ unread: 2 });
    expect(
      (await call('PATCH', `/v1/inbox/${first.messageId}`, token, { read: false })).body.readAt,
    ).toBeNull();
    expect(await unread()).toEqual({ unread: 3 });
    await call('PATCH', `/v1/inbox/${first.messageId}`, token, { read: true });
    const archived = await call('PATCH', `/v1/inbox/${second.messageId}`, token, { archived: true });
    expect(archived.body.archivedAt).toEqual(expect.any(String));
    expect(await unread()).toEqual({ unread: 1 });

    const inbox = await call('GET', '/v1/inbox', token);
    expect(inbox.body.items.map((item: { messageId: string }) => item.messageId)).toEqual([
      third.messageId,
      first.messageId,
    ]);
    const unreadOnly = await call('GET', '/v1/inbox?status=unread', token);
    expect(unreadOnly.body.items.map((item: { messageId: string }) => item.messageId)).toEqual([
      third.messageId,
    ]);
    const archive = await call('GET', '/v1/inbox?status=archived', token);
    expect(archive.body.items.map((item: { messageId: string }) => item.messageId)).toEqual([
      second.messageId,
    ]);
    await call('PATCH', `/v1/inbox/${second.messageId}`, token, { archived: false });
    expect(await unread()).toEqual({ unread: 2 });

    // Read, unread and read again is one read; the archived event comes after it on the message's partition.
    await waitFor('the archived event', () =>
      eventsOf(second.messageId).some((event) => event.type === 'archived'),
    );
    await call('PATCH', `/v1/inbox/${first.messageId}`, token, { archived: true });
    const firstEvents = await waitFor('the events of the first item', () => {
      const events = eventsOf(first.messageId);
      return events.some((event) => event.type === 'archived') && events;
    });
    expect(firstEvents.map((event) => event.type)).toEqual(['sent', 'read', 'archived']);
    expect(firstEvents[1]).toMatchObject({
      source: 'sender-inapp',
      channel: 'inapp',
      occurredAt: read.body.readAt,
    });
  });

  it('pages newest first with a cursor and names bad input', async () => {
    const recipientId = `ada-${randomUUID()}`;
    const items = [dispatch(recipientId), dispatch(recipientId), dispatch(recipientId)];
    for (const item of items) {
      await publisher.publish(InappChannelTopics.lanes.normal.topic, item);
      await delivered(item);
    }
    const token = tokenFor(recipientId);

    const firstPage = await call('GET', '/v1/inbox?limit=2', token);
    expect(firstPage.body.items.map((item: { messageId: string }) => item.messageId)).toEqual([
      items[2].messageId,
      items[1].messageId,
    ]);
    const secondPage = await call('GET', `/v1/inbox?limit=2&cursor=${firstPage.body.nextCursor}`, token);
    expect(secondPage.body).toEqual({
      items: [expect.objectContaining({ messageId: items[0].messageId })],
      nextCursor: null,
    });

    const badQuery = await call('GET', '/v1/inbox?limit=0&status=starred&cursor=nonsense', token);
    expect(badQuery.status).toBe(400);
    expect(badQuery.body.errors.map((error: { field: string }) => error.field).sort()).toEqual([
      'limit',
      'status',
    ]);
    const badCursor = await call('GET', '/v1/inbox?cursor=nonsense', token);
    expect(badCursor.body.errors).toEqual([expect.objectContaining({ field: 'cursor' })]);
    const badBody = await call('PATCH', `/v1/inbox/${items[0].messageId}`, token, { read: 'yes' });
    expect(badBody.body.errors).toEqual([expect.objectContaining({ field: 'read' })]);
    const badId = await call('PATCH', '/v1/inbox/42', token, { read: true });
    expect(badId.body.errors).toEqual([expect.objectContaining({ field: 'messageId' })]);
  });

  it('answers browsers from the configured origins only', async () => {
    const preflight = await fetch(`${service.url}/v1/inbox/unread-count`, {
      method: 'OPTIONS',
      headers: {
        origin: BROWSER_ORIGIN,
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'authorization',
      },
    });
    expect(preflight.status).toBeLessThan(300);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(BROWSER_ORIGIN);
    const foreign = await fetch(`${service.url}/v1/inbox/unread-count`, {
      headers: { origin: 'https://evil.example.com', authorization: `Bearer ${tokenFor('ada')}` },
    });
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('streams a new item to its connected recipient within a second, with heartbeats, and nothing of others', async () => {
    const ada = `ada-${randomUUID()}`;
    const bob = `bob-${randomUUID()}`;
    const stream = await openStream(ada, { origin: BROWSER_ORIGIN });
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toContain('text/event-stream');
    expect(stream.headers.get('access-control-allow-origin')).toBe(BROWSER_ORIGIN);
    await waitFor('the stream to be open', () => stream.comments.includes('connected'));

    const bobsItem = dispatch(bob);
    await publisher.publish(InappChannelTopics.lanes.high.topic, bobsItem);
    await delivered(bobsItem);
    const item = dispatch(ada);
    const publishedAt = Date.now();
    await publisher.publish(InappChannelTopics.lanes.high.topic, item);

    const [event] = await waitFor(
      'the item on the stream',
      () => stream.events.length > 0 && stream.events,
      5_000,
    );
    const latencyMs = event.receivedAt - publishedAt;
    console.log(`inbox live stream: publish to SSE arrival took ${latencyMs} ms`);
    expect(latencyMs).toBeLessThan(5_000);
    expect(event.event).toBe('inbox-item');
    expect(JSON.parse(event.data)).toMatchObject({
      messageId: item.messageId,
      title: item.title,
      readAt: null,
    });
    expect(stream.events).toHaveLength(1);
    await waitFor('a heartbeat', () => stream.comments.includes('heartbeat'));

    // A client that reconnects with the last id it saw gets what it missed meanwhile.
    stream.close();
    const missed = dispatch(ada);
    await publisher.publish(InappChannelTopics.lanes.high.topic, missed);
    await delivered(missed);
    const resumed = await openStream(ada, { 'last-event-id': event.id ?? '' });
    const [replayed] = await waitFor('the missed item', () => resumed.events.length > 0 && resumed.events);
    expect(JSON.parse(replayed.data)).toMatchObject({ messageId: missed.messageId });
  });

  it("tells the other replicas' streams about new items through PostgreSQL", async () => {
    // Plays a second replica: its own feed, store and listener on the same database.
    const dataSource: DataSource = await createDataSource({
      url: database.url,
      schema: 'sender_inapp',
      entities: [InboxItemEntity],
      migrations: [],
      poolSize: 2,
    }).initialize();
    const feed = new InboxLiveFeed();
    const { encryptor, keys } = createEncryption(config, {
      query: (sql, params) => dataSource.query(sql, params),
    });
    const announcements = new PostgresInboxAnnouncements(
      database.url,
      dataSource,
      new InboxRepository(dataSource, new InboxItemEncryption(encryptor, keys)),
      feed,
    );
    await announcements.start();
    try {
      const recipientId = `ada-${randomUUID()}`;
      const received: string[] = [];
      feed.subscribe({ tenantId: 'acme', recipientId }, (item) => received.push(item.messageId));
      const item = dispatch(recipientId);
      await publisher.publish(InappChannelTopics.lanes.normal.topic, item);

      await waitFor('the item at the other replica', () => received.includes(item.messageId));
    } finally {
      await announcements.stop();
      await dataSource.destroy();
    }
  });

  it('ends open streams when the service shuts down', async () => {
    const replica = await startSenderInappService(
      loadSenderInappConfig({ ...environmentOf(config), PORT: '0' }),
      new StructuredLogger('sender-inapp', 'error'),
    );
    let closed = false;
    try {
      const stream = await openEventStream(`${replica.url}/v1/inbox/stream?access_token=${tokenFor('ada')}`);
      streams.push(stream);
      expect(stream.status).toBe(200);
      await waitFor('the stream to be open', () => stream.comments.includes('connected'));
      let streamEnded = false;
      void stream.ended.then(() => (streamEnded = true));

      await replica.close();
      closed = true;
      await waitFor('the stream to end', () => streamEnded);
    } finally {
      if (!closed) await replica.close();
    }
  });

  function environmentOf(loaded: SenderInappConfig): Record<string, string> {
    return {
      KAFKA_BROKERS: loaded.KAFKA_BROKERS.join(','),
      DATABASE_URL: loaded.DATABASE_URL,
      INBOX_TOKEN_SECRETS: loaded.INBOX_TOKEN_SECRETS.join(','),
      INBOX_CORS_ORIGINS: loaded.INBOX_CORS_ORIGINS.join(','),
      ...TEST_ENCRYPTION_VARIABLES,
    };
  }
});
