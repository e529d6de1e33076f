import { randomBytes, randomUUID } from 'node:crypto';
import { InappChannelTopics, type InboxPage, type InboxTokenResponse } from '@switchboard/contracts';
import { createKafka, EventPublisher } from '@switchboard/messaging';
import type { ProblemDocument, RunningService } from '@switchboard/service-kit';
import { StructuredLogger } from '@switchboard/telemetry';
import {
  createTestBroker,
  createTestDatabase,
  freePort,
  startServiceProcess,
  waitFor,
  type ServiceProcess,
  type TestBroker,
  type TestDatabase,
  TEST_ENCRYPTION_VARIABLES,
  TEST_SERVICE_TOKEN_SECRETS,
} from '@switchboard/testing';
import { loadSenderInappConfig } from '../src/config';
import { startSenderInappService } from '../src/sender-inapp-service';

const SECRET = 'inbox-token-secret-shared-by-gateway-and-inbox';
// Compiling the gateway from source on a busy machine takes a while.
const GATEWAY_START_TIMEOUT_MS = 120_000;

describe('inbox tokens issued by the gateway', () => {
  let broker: TestBroker;
  let database: TestDatabase;
  let gateway: ServiceProcess;
  let gatewayUrl: string;
  let inbox: RunningService;
  let publisher: EventPublisher;
  const apiKey = `sk_test_${randomBytes(24).toString('hex')}`;

  beforeAll(async () => {
    [broker, database] = await Promise.all([createTestBroker(), createTestDatabase('sender_inapp_gateway')]);
    const port = await freePort();
    gatewayUrl = `http://127.0.0.1:${port}`;
    gateway = await startServiceProcess({
      name: 'gateway',
      entry: 'apps/gateway/src/main.ts',
      env: {
        PORT: String(port),
        ...broker.serviceVariables,
        DATABASE_URL: database.url,
        LOG_LEVEL: 'warn',
        SWITCHBOARD_DEV_API_KEY: apiKey,
        SWITCHBOARD_DEV_TENANT: 'acme',
        INBOX_TOKEN_SECRETS: SECRET,
        SERVICE_TOKEN_SECRETS: TEST_SERVICE_TOKEN_SECRETS,
        ...TEST_ENCRYPTION_VARIABLES,
      },
      readyUrl: `${gatewayUrl}/health/ready`,
      timeoutMs: GATEWAY_START_TIMEOUT_MS,
    });
    inbox = await startSenderInappService(
      loadSenderInappConfig({
        ...broker.serviceVariables,
        DATABASE_URL: database.url,
        PORT: '0',
        INBOX_TOKEN_SECRETS: SECRET,
        ...TEST_ENCRYPTION_VARIABLES,
      }),
      new StructuredLogger('sender-inapp', 'error'),
    );
    publisher = new EventPublisher(
      createKafka({ brokers: broker.brokers, clientId: 'inbox-token-int-spec' }),
    );
    await publisher.connect();
  }, GATEWAY_START_TIMEOUT_MS + 30_000);

  afterAll(async () => {
    await publisher?.disconnect();
    await inbox?.close();
    await gateway?.stop();
    await broker?.stop();
    await database?.drop();
  });

  it("lets the recipient named in the gateway's token read their inbox", async () => {
    const recipientId = `ada-${randomUUID()}`;
    const issued = await fetch(`${gatewayUrl}/v1/recipients/${recipientId}/inbox-token`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ttlSeconds: 900 }),
    });
    expect(issued.status).toBe(200);
    const { token, expiresAt } = (await issued.json()) as InboxTokenResponse;
    const lifetimeMs = Date.parse(expiresAt) - Date.now();
    expect(lifetimeMs).toBeGreaterThan(800_000);
    expect(lifetimeMs).toBeLessThanOrEqual(900_000);

    const messageId = randomUUID();
    await publisher.publish(InappChannelTopics.lanes.high.topic, {
      tenantId: 'acme',
      messageId,
      recipientId,
      title: 'Welcome',
      body: 'Hello Ada',
    });
    const page = await waitFor('the item in the inbox', async () => {
      const response = await fetch(`${inbox.url}/v1/inbox`, {
        headers: { authorization: `Bearer ${token}` },
      });
      const body = (await response.json()) as InboxPage;
      return response.status === 200 && body.items.length > 0 && body;
    });
    expect(page.items).toEqual([expect.objectContaining({ messageId, title: 'Welcome' })]);
  });

  it('issues no token without an API key, nor for an invalid recipient id', async () => {
    const withoutKey = await fetch(`${gatewayUrl}/v1/recipients/ada/inbox-token`, { method: 'POST' });
    expect(withoutKey.status).toBe(401);
    const badRecipient = await fetch(
      `${gatewayUrl}/v1/recipients/${encodeURIComponent('ada smith')}/inbox-token`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ ttlSeconds: 30 }),
      },
    );
    expect(badRecipient.status).toBe(400);
    const problem = (await badRecipient.json()) as ProblemDocument;
    expect((problem.errors ?? []).map((error: { field: string }) => error.field).sort()).toEqual([
      'recipientId',
    ]);
  });
});
