import { randomUUID } from 'node:crypto';
import {
  DeliveryEventTopic,
  PushChannelTopics,
  type DeliveryEvent,
  type PushDispatch,
} from '@switchboard/contracts';
import { BlindIndex, parseBlindIndexSecret } from '@switchboard/encryption';
import { connectPayloadCipher, type StandalonePayloadCipher } from '@switchboard/encryption';
import { createKafka, EventPublisher } from '@switchboard/messaging';
import type { RunningService } from '@switchboard/service-kit';
import { StructuredLogger } from '@switchboard/telemetry';
import {
  createTestBroker,
  createTestDatabase,
  observeTopics,
  startPushService,
  testKafka,
  waitFor,
  type LocalPushSubscription,
  type PushService,
  type TestBroker,
  type TestDatabase,
  type TopicObserver,
  TEST_ENCRYPTION_VARIABLES,
} from '@switchboard/testing';
import { Client } from 'pg';
import { generateVAPIDKeys } from 'web-push';
import { loadSenderPushConfig } from '../src/config';
import { startSenderPushService } from '../src/sender-push-service';

// Retries go through the 1 s retry topic, and the broker and consumer groups need a moment.
const DEADLINE_MS = 30_000;

const blindIndex = new BlindIndex(parseBlindIndexSecret(TEST_ENCRYPTION_VARIABLES.BLIND_INDEX_KEY));

describe('sender-push service', () => {
  let broker: TestBroker;
  let database: TestDatabase;
  let pushService: PushService;
  let service: RunningService;
  let publisher: EventPublisher;
  let observer: TopicObserver;
  let cipher: StandalonePayloadCipher;
  let db: Client;

  beforeAll(async () => {
    [broker, database, pushService] = await Promise.all([
      createTestBroker(),
      createTestDatabase('sender_push_int'),
      startPushService(),
    ]);
    const keys = generateVAPIDKeys();
    const config = loadSenderPushConfig({
      ...broker.serviceVariables,
      DATABASE_URL: database.url,
      PORT: '0',
      VAPID_PUBLIC_KEY: keys.publicKey,
      VAPID_PRIVATE_KEY: keys.privateKey,
      VAPID_SUBJECT: 'mailto:push@switchboard.test',
      PUSH_SANDBOX_ORIGINS: pushService.origin,
      ...TEST_ENCRYPTION_VARIABLES,
    });
    service = await startSenderPushService(config, new StructuredLogger('sender-push', 'error'));
    cipher = await connectPayloadCipher(database.url, TEST_ENCRYPTION_VARIABLES);
    // Dispatches go in sealed, as the template service writes them.
    publisher = new EventPublisher(
      createKafka({ brokers: broker.brokers, clientId: 'sender-push-int-spec' }),
      { cipher: cipher.cipher },
    );
    await publisher.connect();
    observer = await observeTopics(
      testKafka(broker.brokers),
      [DeliveryEventTopic.topic, ...Object.values(PushChannelTopics.retries).map(({ topic }) => topic)],
      { cipher },
    );
    db = new Client({ connectionString: database.url });
    await db.connect();
  });

  afterAll(async () => {
    await observer?.stop();
    await publisher?.disconnect();
    await service?.close();
    await cipher?.close();
    await db?.end();
    await pushService?.stop();
    await broker?.stop();
    await database?.drop();
  });

  function dispatchTo(subscriptions: Array<Pick<LocalPushSubscription, 'endpoint' | 'keys'>>): PushDispatch {
    const messageId = randomUUID();
    return {
      tenantId: 'acme',
      messageId,
      recipientId: `ada-${messageId}`,
      subscriptions: subscriptions.map(({ endpoint, keys }) => ({ endpoint, keys })),
      notification: { title: 'Your order shipped', body: `Order ${messageId}` },
      ttlSeconds: 600,
      urgency: 'normal',
    };
  }

  const eventsOf = (messageId: string) =>
    observer
      .payloads<DeliveryEvent>(DeliveryEventTopic.topic)
      .filter((event) => event.messageId === messageId);
  const eventOfType = (messageId: string, type: DeliveryEvent['type']) =>
    waitFor(
      `the ${type} event of ${messageId}`,
      () => eventsOf(messageId).find((event) => event.type === type),
      DEADLINE_MS,
    );
  const pushesTo = async (subscription: LocalPushSubscription) =>
    (await pushService.receivedPushes()).filter((push) => push.subscriptionId === subscription.id);

  /** Every record value of the topic as the broker holds it, once `complete` holds for them. */
  async function rawValuesOf(topic: string, complete: (values: string[]) => boolean): Promise<string[]> {
    const values: string[] = [];
    const consumer = testKafka(broker.brokers).consumer({
      groupId: `raw-reader-${randomUUID()}`,
      maxWaitTimeInMs: 100,
    });
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => void values.push(message.value?.toString('utf8') ?? ''),
      });
      return await waitFor(`the raw records of ${topic}`, () => complete(values) && values, DEADLINE_MS);
    } finally {
      await consumer.disconnect();
    }
  }

  async function deliveryRow(messageId: string) {
    const result = await db.query(
      'SELECT status, provider, provider_message_id, reason, attempts, detail FROM sender_push.deliveries WHERE message_id = $1',
      [messageId],
    );
    return result.rows[0];
  }

  it('pushes a sealed dispatch to its subscription, where the push service decrypts it, and reports it sent', async () => {
    const subscription = await pushService.createSubscription();
    const dispatch = dispatchTo([subscription]);
    await publisher.publish(PushChannelTopics.lanes.high.topic, dispatch);

    const [push] = await waitFor(
      'the push',
      async () => {
        const pushes = await pushesTo(subscription);
        return pushes.length > 0 && pushes;
      },
      DEADLINE_MS,
    );
    expect(JSON.parse(push.payload ?? 'null')).toEqual({
      messageId: dispatch.messageId,
      title: 'Your order shipped',
      body: `Order ${dispatch.messageId}`,
    });
    expect(push).toMatchObject({ ttl: 600, urgency: 'normal', vapidSubject: 'mailto:push@switchboard.test' });

    const sent = await eventOfType(dispatch.messageId, 'sent');
    expect(sent).toMatchObject({ source: 'sender-push', channel: 'push', provider: 'web-push' });
    expect(await deliveryRow(dispatch.messageId)).toMatchObject({
      status: 'sent',
      provider: 'web-push',
      attempts: 1,
      detail: { subscriptions: 1, accepted: 1, gone: 0, failed: 0 },
    });
  });

  it('reports a gone subscription for removal and sends to the recipient’s other device', async () => {
    const [gone, active] = [await pushService.createSubscription(), await pushService.createSubscription()];
    await pushService.failSubscription(gone.id, { status: 410 });
    const dispatch = dispatchTo([gone, active]);
    await publisher.publish(PushChannelTopics.lanes.normal.topic, dispatch);

    await eventOfType(dispatch.messageId, 'sent');
    const goneEvent = eventsOf(dispatch.messageId).find(
      (event) => event.detail?.reason === 'subscription-gone',
    );
    expect(goneEvent).toMatchObject({
      type: 'attempt-failed',
      channel: 'push',
      detail: {
        // The index the router keeps beside the stored endpoint, under the key every service shares.
        endpointIndex: blindIndex.compute({
          tenantId: dispatch.tenantId,
          kind: 'push-endpoint',
          value: new URL(gone.endpoint).href,
        }),
        recipientId: dispatch.recipientId,
      },
    });
    expect(await pushesTo(active)).toHaveLength(1);
    expect(await pushesTo(gone)).toEqual([]);

    // The endpoint is a capability URL of the device: it is on no record of the topic, as written.
    const written = await rawValuesOf(DeliveryEventTopic.topic, (values) =>
      values.some((value) => value.includes(dispatch.messageId) && value.includes('subscription-gone')),
    );
    expect(written.filter((value) => value.includes(dispatch.messageId)).length).toBeGreaterThan(1);
    for (const value of written) {
      expect(value).not.toContain(gone.endpoint);
      expect(value).not.toContain(active.endpoint);
    }
  });

  it('fails a push for good when every subscription is gone, without retrying it', async () => {
    const gone = await pushService.createSubscription();
    await pushService.failSubscription(gone.id, { status: 410 });
    const dispatch = dispatchTo([gone]);
    await publisher.publish(PushChannelTopics.lanes.bulk.topic, dispatch);

    const failed = await eventOfType(dispatch.messageId, 'failed');
    expect(failed.reason).toMatch(/^subscription-gone: /);
    expect(eventsOf(dispatch.messageId).map((event) => event.type)).not.toContain('retry-scheduled');
    expect(await deliveryRow(dispatch.messageId)).toMatchObject({ status: 'failed', attempts: 1 });
  });

  it('retries a push the push service answered with 503, and delivers it once the service recovers', async () => {
    const subscription = await pushService.createSubscription();
    await pushService.failSubscription(subscription.id, { status: 503 });
    const dispatch = dispatchTo([subscription]);
    await publisher.publish(PushChannelTopics.lanes.high.topic, dispatch);

    const retry = await eventOfType(dispatch.messageId, 'retry-scheduled');
    expect(retry.reason).toMatch(/^http-503: /);
    await pushService.restoreSubscription(subscription.id);

    await eventOfType(dispatch.messageId, 'sent');
    expect(await pushesTo(subscription)).toHaveLength(1);
    const row = await deliveryRow(dispatch.messageId);
    expect(row.status).toBe('sent');
    expect(row.attempts).toBeGreaterThanOrEqual(2);

    // The retry was written sealed: the retry topic holds neither the endpoint nor the notification.
    const [retried] = await waitFor(
      'the retry read from the retry topics',
      () => {
        const records = Object.values(PushChannelTopics.retries)
          .flatMap(({ topic }) => observer.records(topic))
          .filter((record) => (record.value as PushDispatch).messageId === dispatch.messageId);
        return records.length > 0 && records;
      },
      DEADLINE_MS,
    );
    expect(retried.value).toMatchObject({
      subscriptions: dispatch.subscriptions,
      notification: dispatch.notification,
    });
    const written = JSON.stringify(retried.written);
    expect(written).not.toContain(subscription.endpoint);
    expect(written).not.toContain(dispatch.notification.body);
  });

  it('refuses an endpoint on a private address outside the sandbox list at send time', async () => {
    const subscription = await pushService.createSubscription();
    // The same push service, but not under the sandbox origin: as any internal address would be.
    const internal = { ...subscription, endpoint: subscription.endpoint.replace('http://', 'https://') };
    const dispatch = dispatchTo([internal]);
    await publisher.publish(PushChannelTopics.lanes.normal.topic, dispatch);

    const failed = await eventOfType(dispatch.messageId, 'failed');
    expect(failed.reason).toContain('endpoint-refused');
    expect(failed.reason).toContain('points to the non-public address 127.0.0.1');
    expect(await pushesTo(subscription)).toEqual([]);
  });

  it('answers readiness once Kafka, the database and every consumer are up, and shows the provider', async () => {
    const ready = await fetch(`${service.url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: 'ready',
      checks: { kafka: 'up', database: 'up', consumer: 'up' },
    });
    const status = await fetch(`${service.url}/status/providers`);
    expect(await status.json()).toMatchObject({
      channel: 'push',
      providers: [{ provider: 'web-push', rateLimit: { ratePerSecond: 500, burst: 1000 } }],
    });
  });
});
