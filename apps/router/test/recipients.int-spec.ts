import { createECDH, randomBytes, randomUUID } from 'node:crypto';
import { type DeliveryEvent, DeliveryEventTopic } from '@switchboard/contracts';
import { BlindIndex, parseBlindIndexSecret } from '@switchboard/encryption';
import type { AddressLookup } from '@switchboard/security';
import type { RunningService } from '@switchboard/service-kit';
import { StructuredLogger } from '@switchboard/telemetry';
import {
  connectProducer,
  createTestBroker,
  createTestDatabase,
  type TestBroker,
  type TestDatabase,
  testKafka,
  waitFor,
  TEST_SERVICE_TOKEN_SECRETS,
  TEST_ENCRYPTION_VARIABLES,
  serviceAuthorization,
} from '@switchboard/testing';
import type { Producer } from 'kafkajs';
import { loadRouterConfig } from '../src/config';
import { startRouter } from '../src/router';

const browserKey = createECDH('prime256v1');
browserKey.generateKeys();
const keys = {
  p256dh: browserKey.getPublicKey().toString('base64url'),
  auth: randomBytes(16).toString('base64url'),
};

// Stands in for DNS: no real lookups in tests.
const zone: Record<string, string> = {
  'push.example.com': '93.184.216.34',
  'intranet.example.com': '10.20.30.40',
};
const lookup: AddressLookup = async (hostname) => {
  const address = zone[hostname];
  if (!address) throw new Error(`getaddrinfo ENOTFOUND ${hostname}`);
  return [{ address, family: 4 }];
};

describe('router recipients API', () => {
  let broker: TestBroker;
  let database: TestDatabase;
  let router: RunningService;
  let producer: Producer;

  beforeAll(async () => {
    [broker, database] = await Promise.all([createTestBroker(), createTestDatabase('router_recipients')]);
    router = await startRouter(
      loadRouterConfig({
        ...broker.serviceVariables,
        DATABASE_URL: database.url,
        PORT: '0',
        SERVICE_TOKEN_SECRETS: TEST_SERVICE_TOKEN_SECRETS,
        ...TEST_ENCRYPTION_VARIABLES,
      }),
      new StructuredLogger('router', 'warn'),
      { pushAddressLookup: lookup },
    );
    producer = await connectProducer(testKafka(broker.brokers, 'router-recipients-int-spec'));
  });

  afterAll(async () => {
    await producer?.disconnect();
    await router?.close();
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

  async function newRecipient(): Promise<string> {
    const recipientId = `ada-${randomUUID()}`;
    expect((await call('PUT', `acme/recipients/${recipientId}`, { email: 'ada@example.com' })).status).toBe(
      201,
    );
    return recipientId;
  }

  it('upserts a recipient and gives it back; a second PUT replaces the profile, clearing what it leaves out', async () => {
    const recipientId = `ada-${randomUUID()}`;

    const created = await call('PUT', `acme/recipients/${recipientId}`, {
      email: 'ada@example.com',
      phone: '+14155550123',
      timeZone: 'Europe/London',
      locale: 'en-GB',
    });
    const changed = await call('PUT', `acme/recipients/${recipientId}`, {
      email: 'ada@example.com',
      phone: null,
      locale: 'en-GB',
    });
    const read = await call('GET', `acme/recipients/${recipientId}`);

    expect(created.status).toBe(201);
    expect(changed.status).toBe(200);
    expect(read).toEqual({
      status: 200,
      body: {
        recipientId,
        email: 'ada@example.com',
        phone: null,
        timeZone: null,
        locale: 'en-GB',
        attributes: {},
        pushSubscriptions: [],
        updatedAt: expect.any(String),
      },
    });
  });

  it("answers 404 for another tenant's recipient", async () => {
    const recipientId = await newRecipient();

    const read = await call('GET', `globex/recipients/${recipientId}`);

    expect(read.status).toBe(404);
    expect(read.body).toMatchObject({ code: 'RECIPIENT_NOT_FOUND' });
  });

  it.each([
    ['https://10.0.0.1/push/1', 'points to the non-public address 10.0.0.1'],
    ['https://127.0.0.1/push/1', 'points to the non-public address 127.0.0.1'],
    [
      'https://intranet.example.com/push/1',
      'host intranet.example.com resolves to the non-public address 10.20.30.40',
    ],
    ['http://push.example.com/push/1', 'must use https'],
  ])('refuses the push endpoint %s with 422 naming endpoint', async (endpoint, problem) => {
    const recipientId = await newRecipient();

    const refused = await call('POST', `acme/recipients/${recipientId}/push-subscriptions`, {
      endpoint,
      keys,
    });

    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({
      code: 'PUSH_SUBSCRIPTION_REFUSED',
      errors: [{ field: 'endpoint', problem }],
    });
    expect((await call('GET', `acme/recipients/${recipientId}`)).body.pushSubscriptions).toEqual([]);
  });

  it('registers a public endpoint, shows it without keys, and removes it on request', async () => {
    const recipientId = await newRecipient();
    const endpoint = `https://push.example.com/send/${randomUUID()}`;

    const registered = await call('POST', `acme/recipients/${recipientId}/push-subscriptions`, {
      endpoint,
      keys,
    });
    const again = await call('POST', `acme/recipients/${recipientId}/push-subscriptions`, { endpoint, keys });

    expect(registered.status).toBe(201);
    expect(again.status).toBe(200);
    expect(registered.body.pushSubscriptions).toEqual([{ endpoint, createdAt: expect.any(String) }]);
    expect(JSON.stringify(registered.body)).not.toContain(keys.auth);

    const query = new URLSearchParams({ endpoint }).toString();
    const removed = await call('DELETE', `acme/recipients/${recipientId}/push-subscriptions?${query}`);
    const removedAgain = await call('DELETE', `acme/recipients/${recipientId}/push-subscriptions?${query}`);
    expect(removed.status).toBe(204);
    expect(removedAgain.status).toBe(404);
    expect((await call('GET', `acme/recipients/${recipientId}`)).body.pushSubscriptions).toEqual([]);
  });

  it('deletes a recipient with its subscriptions', async () => {
    const recipientId = await newRecipient();
    const endpoint = `https://push.example.com/send/${randomUUID()}`;
    await call('POST', `acme/recipients/${recipientId}/push-subscriptions`, { endpoint, keys });

    expect((await call('DELETE', `acme/recipients/${recipientId}`)).status).toBe(204);

    expect((await call('GET', `acme/recipients/${recipientId}`)).status).toBe(404);
    // The endpoint is free again: registering it for a new recipient is a new subscription.
    const other = await newRecipient();
    expect(
      (await call('POST', `acme/recipients/${other}/push-subscriptions`, { endpoint, keys })).status,
    ).toBe(201);
  });

  // What sender-push reports since it stopped putting endpoints on Kafka: the index under the shared key.
  const blindIndex = new BlindIndex(parseBlindIndexSecret(TEST_ENCRYPTION_VARIABLES.BLIND_INDEX_KEY));

  async function reportGone(recipientId: string, detail: Record<string, string>): Promise<void> {
    const event: DeliveryEvent = {
      tenantId: 'acme',
      messageId: randomUUID(),
      type: 'attempt-failed',
      occurredAt: new Date().toISOString(),
      source: 'sender-push',
      channel: 'push',
      provider: 'web-push',
      reason: 'push service answered 410 Gone',
      detail: { reason: 'subscription-gone', recipientId, ...detail },
    };
    await producer.send({
      topic: DeliveryEventTopic.topic,
      messages: [event, event].map((payload) => ({
        key: DeliveryEventTopic.key(payload),
        value: JSON.stringify(payload),
      })),
    });
  }

  async function subscribedTo(recipientId: string, endpoints: string[]): Promise<void> {
    for (const endpoint of endpoints) {
      const registered = await call('POST', `acme/recipients/${recipientId}/push-subscriptions`, {
        endpoint,
        keys,
      });
      expect(registered.status).toBe(201);
    }
  }

  const endpointsRemainingAfter = (recipientId: string, gone: string) =>
    waitFor('the gone subscription to be removed', async () => {
      const read = await call('GET', `acme/recipients/${recipientId}`);
      const found: string[] = read.body.pushSubscriptions.map(
        (subscription: { endpoint: string }) => subscription.endpoint,
      );
      return !found.includes(gone) && found;
    });

  it('removes a subscription that sender-push reports gone by the blind index of its endpoint', async () => {
    const recipientId = await newRecipient();
    const gone = `https://push.example.com/send/${randomUUID()}`;
    const kept = `https://push.example.com/send/${randomUUID()}`;
    await subscribedTo(recipientId, [gone, kept]);

    await reportGone(recipientId, {
      endpointIndex: blindIndex.compute({ tenantId: 'acme', kind: 'push-endpoint', value: gone }),
    });

    expect(await endpointsRemainingAfter(recipientId, gone)).toEqual([kept]);
  });

  it('still removes a subscription reported gone by an older event that carries the endpoint', async () => {
    const recipientId = await newRecipient();
    const gone = `https://push.example.com/send/${randomUUID()}`;
    const kept = `https://push.example.com/send/${randomUUID()}`;
    await subscribedTo(recipientId, [gone, kept]);

    await reportGone(recipientId, { endpoint: gone });

    expect(await endpointsRemainingAfter(recipientId, gone)).toEqual([kept]);
  });
});
