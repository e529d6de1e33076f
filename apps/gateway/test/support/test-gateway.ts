import { createHash, randomBytes, randomUUID } from 'node:crypto';
import {
  MessageRequested,
  MessageRequestedTopics,
  type MessageRequested as MessageRequestedPayload,
} from '@switchboard/contracts';
import { connectPayloadCipher, type StandalonePayloadCipher } from '@switchboard/encryption';
import type { RunningService } from '@switchboard/service-kit';
import {
  createTestBroker,
  createTestDatabase,
  type TestBroker,
  type TestDatabase,
  TEST_ENCRYPTION_VARIABLES,
  TEST_SERVICE_TOKEN_SECRETS,
} from '@switchboard/testing';
import { type Consumer, Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { loadGatewayConfig } from '../../src/config';
import { startGateway } from '../../src/gateway';

export interface RequestedEvent {
  /** With its addresses and content opened, as the router reads it. */
  payload: MessageRequestedPayload;
  /** The value as written on the topic: addresses and content sealed. */
  written: unknown;
  headers: Record<string, string>;
  key: string;
}

export interface GatewayAnswer {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests assert on answers field by field
  body: any;
}

export interface CallOptions {
  apiKey?: string | null;
  body?: unknown;
  /** Sent as is, instead of JSON of `body`. */
  rawBody?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

export interface TestGateway {
  url: string;
  broker: TestBroker;
  database: TestDatabase;
  /** The development key, of tenant `acme`. */
  apiKey: string;
  /** Every MessageRequested event read from the lanes so far. */
  requested: RequestedEvent[];
  call(method: string, path: string, options?: CallOptions): Promise<GatewayAnswer>;
  /** Stops reading the topic (before stopping the broker on purpose). */
  stopReading(): Promise<void>;
  /** Creates a key straight in the gateway's table, as an admin tool would: an owner unless told. */
  createApiKey(tenantId: string, grant?: { role: string } | { scopes: string[] }): Promise<string>;
  close(): Promise<void>;
}

export interface TestGatewayOptions {
  /** A broker the test manages itself (e.g. to stop and start it); otherwise one is made and stopped here. */
  broker?: TestBroker;
  /** A database the test manages itself (e.g. prepared beforehand); otherwise one is made and dropped here. */
  database?: TestDatabase;
  analyticsUrl?: string;
  templateUrl?: string;
  ingestUrl?: string;
  routerUrl?: string;
  env?: Record<string, string>;
}

/** Boots the gateway on port 0 against a fresh test broker and database, reading what it produces. */
export async function createTestGateway(options: TestGatewayOptions = {}): Promise<TestGateway> {
  const broker = options.broker ?? (await createTestBroker());
  const database = options.database ?? (await createTestDatabase('gateway'));
  const apiKey = `sk_test_${randomBytes(24).toString('hex')}`;
  const config = loadGatewayConfig({
    PORT: '0',
    ...broker.serviceVariables,
    DATABASE_URL: database.url,
    LOG_LEVEL: 'warn',
    SWITCHBOARD_DEV_API_KEY: apiKey,
    SWITCHBOARD_DEV_TENANT: 'acme',
    ANALYTICS_URL: options.analyticsUrl ?? 'http://127.0.0.1:9',
    TEMPLATE_URL: options.templateUrl ?? 'http://127.0.0.1:9',
    INGEST_URL: options.ingestUrl ?? 'http://127.0.0.1:9',
    ROUTER_URL: options.routerUrl ?? 'http://127.0.0.1:9',
    SERVICE_TOKEN_SECRETS: TEST_SERVICE_TOKEN_SECRETS,
    ...TEST_ENCRYPTION_VARIABLES,
    ...options.env,
  });
  let service: RunningService | undefined;
  let consumer: Consumer | undefined;
  let cipher: StandalonePayloadCipher | undefined;
  const requested: RequestedEvent[] = [];
  const close = async () => {
    await consumer?.disconnect();
    await service?.close();
    await cipher?.close();
    if (!options.broker) await broker.stop();
    if (!options.database) await database.drop();
  };
  try {
    service = await startGateway(config);
    cipher = await connectPayloadCipher(database.url, TEST_ENCRYPTION_VARIABLES);
    consumer = await readRequestedEvents(broker.brokers, cipher, requested);
  } catch (error) {
    await close();
    throw error;
  }
  const url = service.url;

  return {
    url,
    broker,
    database,
    apiKey,
    requested,
    close,
    stopReading: async () => {
      await consumer?.disconnect();
      consumer = undefined;
    },
    call: (method, path, callOptions = {}) => call(url, apiKey, method, path, callOptions),
    createApiKey: async (tenantId, grant = { role: 'owner' }) => {
      const key = `sk_test_${randomBytes(24).toString('hex')}`;
      const client = new Client({ connectionString: database.url });
      await client.connect();
      try {
        await client.query(
          `INSERT INTO gateway.api_keys (id, tenant_id, name, key_hash, role, scopes) VALUES ($1, $2, 'test', $3, $4, $5)`,
          [
            randomUUID(),
            tenantId,
            createHash('sha256').update(key).digest('hex'),
            'role' in grant ? grant.role : null,
            'scopes' in grant ? grant.scopes : null,
          ],
        );
      } finally {
        await client.end();
      }
      return key;
    },
  };
}

async function call(
  url: string,
  defaultKey: string,
  method: string,
  path: string,
  options: CallOptions,
): Promise<GatewayAnswer> {
  const apiKey = options.apiKey === undefined ? defaultKey : options.apiKey;
  const hasBody = options.rawBody !== undefined || options.body !== undefined;
  const headers: Record<string, string> = {
    ...(apiKey === null ? {} : { authorization: `Bearer ${apiKey}` }),
    ...(hasBody ? { 'content-type': options.contentType ?? 'application/json' } : {}),
    ...options.headers,
  };
  const response = await fetch(`${url}${path}`, {
    method,
    headers,
    body: options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

async function readRequestedEvents(
  brokers: string[],
  cipher: StandalonePayloadCipher,
  into: RequestedEvent[],
): Promise<Consumer> {
  const kafka = new Kafka({ clientId: 'gateway-test-reader', brokers, logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `gateway-test-${randomUUID()}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({
    topics: Object.values(MessageRequestedTopics).map(({ topic }) => topic),
    fromBeginning: true,
  });
  await consumer.run({
    eachMessage: async ({ topic, message }) => {
      const headers = Object.fromEntries(
        Object.entries(message.headers ?? {}).map(([name, value]) => [name, String(value)]),
      );
      const written: unknown = JSON.parse(String(message.value));
      into.push({
        payload: MessageRequested.parse(await cipher.open(topic, written)),
        written,
        headers,
        key: String(message.key),
      });
    },
  });
  return consumer;
}
