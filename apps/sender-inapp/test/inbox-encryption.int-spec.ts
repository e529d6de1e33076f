import { randomUUID } from 'node:crypto';
import { InappChannelTopics, type InappDispatch, RecipientErasureTopic } from '@switchboard/contracts';
import { connectPayloadCipher, type StandalonePayloadCipher } from '@switchboard/encryption';
import { createKafka, EventPublisher } from '@switchboard/messaging';
import { issueRecipientToken } from '@switchboard/security';
import type { RunningService } from '@switchboard/service-kit';
import { StructuredLogger } from '@switchboard/telemetry';
import {
  createTestBroker,
  createTestDatabase,
  observeTopics,
  serviceAuthorization,
  TEST_ENCRYPTION_VARIABLES,
  TEST_SERVICE_TOKEN_SECRETS,
  testKafka,
  waitFor,
  type TestBroker,
  type TestDatabase,
  type TopicObserver,
} from '@switchboard/testing';
import { Client } from 'pg';
import { loadSenderInappConfig } from '../src/config';
import { EncryptPlaintextInboxItems } from '../src/inbox/encrypt-plaintext-inbox-items';
import { startSenderInappService } from '../src/sender-inapp-service';
import { openEventStream, type EventStreamClient } from './support/event-stream-client';

const SECRET = 'inbox-token-secret-for-the-encryption-int-spec';

/** An item whose every value is unique to this test, so that finding one in a dump means a leak. */
function personalItem(recipientId: string): InappDispatch & { secrets: string[] } {
  const unique = randomUUID();
  const secrets = [
    `Ada-${unique}`,
    `12 Analytical Row ${unique}`,
    `ada.${unique}@example.com`,
    `order-${unique}`,
  ];
  return {
    tenantId: 'acme',
    messageId: randomUUID(),
    recipientId,
    title: `Your order shipped, ${secrets[0]}`,
    body: `It arrives at ${secrets[1]} on Tuesday.`,
    actionUrl: `https://shop.example.com/orders?email=${secrets[2]}`,
    data: { orderId: secrets[3] },
    secrets,
  };
}

describe('sender-inapp: inbox items encrypted at rest', () => {
  let broker: TestBroker;
  let database: TestDatabase;
  let service: RunningService;
  let publisher: EventPublisher;
  let cipher: StandalonePayloadCipher;
  // Seals the personal fields of what it publishes, as the router does in production.
  let sealingPublisher: EventPublisher;
  let lane: TopicObserver;
  let db: Client;
  const streams: EventStreamClient[] = [];

  beforeAll(async () => {
    [broker, database] = await Promise.all([
      createTestBroker(),
      createTestDatabase('sender_inapp_encryption'),
    ]);
    service = await startSenderInappService(
      loadSenderInappConfig({
        ...broker.serviceVariables,
        DATABASE_URL: database.url,
        PORT: '0',
        INBOX_TOKEN_SECRETS: SECRET,
        SERVICE_TOKEN_SECRETS: TEST_SERVICE_TOKEN_SECRETS,
        ...TEST_ENCRYPTION_VARIABLES,
      }),
      new StructuredLogger('sender-inapp', 'error'),
    );
    publisher = new EventPublisher(
      createKafka({ brokers: broker.brokers, clientId: 'inbox-encryption-int-spec' }),
    );
    await publisher.connect();
    cipher = await connectPayloadCipher(database.url, TEST_ENCRYPTION_VARIABLES);
    sealingPublisher = new EventPublisher(
      createKafka({ brokers: broker.brokers, clientId: 'inbox-encryption-int-spec-sealed' }),
      { cipher: cipher.cipher },
    );
    await sealingPublisher.connect();
    lane = await observeTopics(testKafka(broker.brokers), [InappChannelTopics.lanes.high.topic]);
    db = new Client({ connectionString: database.url });
    await db.connect();
  });

  afterAll(async () => {
    for (const stream of streams) stream.close();
    await lane?.stop();
    await sealingPublisher?.disconnect();
    await cipher?.close();
    await publisher?.disconnect();
    await service?.close();
    await db?.end();
    await broker?.stop();
    await database?.drop();
  });

  const tokenFor = (recipientId: string) =>
    issueRecipientToken({ tenantId: 'acme', recipientId, ttlSeconds: 600 }, SECRET);

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests assert on answers field by field
  async function inbox(recipientId: string): Promise<any[]> {
    const response = await fetch(`${service.url}/v1/inbox?status=all&limit=100`, {
      headers: { authorization: `Bearer ${tokenFor(recipientId)}` },
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { items: unknown[] }).items;
  }

  async function rawRows(recipientId: string): Promise<string> {
    const { rows } = await db.query(
      `SELECT row_to_json(item)::text AS row FROM sender_inapp.inbox_items item WHERE recipient_id = $1`,
      [recipientId],
    );
    return rows.map((row: { row: string }) => row.row).join('\n');
  }

  const shown = ({ title, body, actionUrl, data }: InappDispatch) => ({ title, body, actionUrl, data });

  it('stores title, body, action URL and data encrypted, while the API, the stream and the export show them', async () => {
    const recipientId = `ada-${randomUUID()}`;
    const stream = await openEventStream(
      `${service.url}/v1/inbox/stream?access_token=${tokenFor(recipientId)}`,
    );
    streams.push(stream);
    await waitFor('the stream to be open', () => stream.comments.includes('connected'));
    const { secrets, ...item } = personalItem(recipientId);

    await publisher.publish(InappChannelTopics.lanes.normal.topic, item);

    const [listed] = await waitFor('the item in the inbox', async () => {
      const items = await inbox(recipientId);
      return items.length > 0 && items;
    });
    expect(listed).toMatchObject({ messageId: item.messageId, ...shown(item) });
    const [streamed] = await waitFor(
      'the item on the stream',
      () => stream.events.length > 0 && stream.events,
    );
    expect(JSON.parse(streamed.data)).toMatchObject({ messageId: item.messageId, ...shown(item) });

    const exported = await fetch(
      `${service.url}/internal/tenants/acme/recipients/${recipientId}/inbox?limit=10`,
      { headers: serviceAuthorization('sender-inapp') },
    );
    expect(exported.status).toBe(200);
    const page = (await exported.json()) as { items: unknown[] };
    expect(page.items).toEqual([expect.objectContaining({ messageId: item.messageId, ...shown(item) })]);

    const raw = await rawRows(recipientId);
    expect(raw).toContain('sbenc:v1:');
    for (const secret of secrets) expect(raw).not.toContain(secret);
  });

  it('serves the item of a sealed dispatch, whose record on the topic holds none of its content', async () => {
    const recipientId = `ada-${randomUUID()}`;
    const { secrets, ...item } = personalItem(recipientId);

    await sealingPublisher.publish(InappChannelTopics.lanes.high.topic, item);

    const [listed] = await waitFor('the item in the inbox', async () => {
      const items = await inbox(recipientId);
      return items.length > 0 && items;
    });
    expect(listed).toMatchObject({ messageId: item.messageId, ...shown(item) });
    const [record] = await waitFor('the dispatch on the topic', () => {
      const records = lane
        .records(InappChannelTopics.lanes.high.topic)
        .filter((candidate) => JSON.stringify(candidate.written).includes(item.messageId));
      return records.length > 0 && records;
    });
    const written = JSON.stringify(record.written);
    expect(written).toContain('sbenc:v1:');
    for (const secret of secrets) expect(written).not.toContain(secret);
  });

  it('reads items written in plaintext before encryption, and the start-up rewrite encrypts them', async () => {
    const recipientId = `grace-${randomUUID()}`;
    const { secrets, ...item } = personalItem(recipientId);
    await db.query(
      `INSERT INTO sender_inapp.inbox_items
         (tenant_id, message_id, recipient_id, title, body, action_url, data, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, now())`,
      [
        item.tenantId,
        item.messageId,
        recipientId,
        item.title,
        item.body,
        item.actionUrl,
        JSON.stringify(item.data),
      ],
    );
    expect(await inbox(recipientId)).toEqual([expect.objectContaining(shown(item))]);

    expect(await service.app.get(EncryptPlaintextInboxItems).execute()).toBeGreaterThanOrEqual(1);

    const raw = await rawRows(recipientId);
    for (const secret of secrets) expect(raw).not.toContain(secret);
    expect(await inbox(recipientId)).toEqual([expect.objectContaining(shown(item))]);
    // Nothing is left to rewrite.
    expect(await service.app.get(EncryptPlaintextInboxItems).execute()).toBe(0);
  });

  it("erasure deletes the recipient's items and destroys their data key", async () => {
    const recipientId = `erased-${randomUUID()}`;
    const { secrets: _secrets, ...item } = personalItem(recipientId);
    await publisher.publish(InappChannelTopics.lanes.normal.topic, item);
    await waitFor('the item in the inbox', async () => (await inbox(recipientId)).length > 0);
    const { rows: before } = await db.query(
      `SELECT title FROM sender_inapp.inbox_items WHERE recipient_id = $1`,
      [recipientId],
    );
    const keyId = String(before[0].title).split(':')[2];

    await publisher.publish(RecipientErasureTopic.topic, {
      erasureId: randomUUID(),
      tenantId: 'acme',
      recipientId,
      requestId: 'inbox-encryption-int-spec',
      requestedAt: new Date().toISOString(),
    });

    await waitFor('the data key destroyed', async () => {
      const { rows } = await db.query(
        `SELECT 1 FROM encryption.encryption_destroyed_keys WHERE key_id = $1`,
        [keyId],
      );
      return rows.length === 1;
    });
    const { rows: after } = await db.query(`SELECT 1 FROM sender_inapp.inbox_items WHERE recipient_id = $1`, [
      recipientId,
    ]);
    expect(after).toHaveLength(0);
    expect(await inbox(recipientId)).toEqual([]);
  });
});
