import 'reflect-metadata';
import { Controller, Get, Headers, Module, Res, type Type } from '@nestjs/common';
import { PersistenceModule } from '@switchboard/persistence';
import { ConfigModule, type RunningService, runService } from '@switchboard/service-kit';
import { StructuredLogger } from '@switchboard/telemetry';
import {
  createTestBroker,
  createTestDatabase,
  type TestBroker,
  TEST_ENCRYPTION_VARIABLES,
  type TestDatabase,
} from '@switchboard/testing';
import type { FastifyReply } from 'fastify';
import { RequestLimits } from '../src/auth/request-limits';
import { GATEWAY_CONFIG, loadGatewayConfig } from '../src/config';
import { gatewayDatabaseOptions } from '../src/gateway-database';
import { RequestLimitsModule } from '../src/request-limits/request-limits.module';
import { createTestGateway, type TestGateway } from './support/test-gateway';

const PER_KEY = { rate: 5, burst: 10 };
const PER_TENANT = { rate: 40, burst: 20 };

/**
 * Stands in for the access guard: admits the caller named by the headers, as the guard does once
 * a key is authenticated, so the limits are tested through HTTP and PostgreSQL on their own.
 */
@Controller('limited')
class LimitedController {
  constructor(private readonly limits: RequestLimits) {}

  @Get()
  async limited(
    @Headers('x-key-id') keyId: string,
    @Headers('x-tenant-id') tenantId: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<{ admitted: true }> {
    await this.limits.admit({ keyId, tenantId, role: 'sender', permissions: new Set() }, reply);
    return { admitted: true };
  }
}

function limitedGatewayModule(databaseUrl: string): Type<unknown> {
  const config = loadGatewayConfig({
    DATABASE_URL: databaseUrl,
    KAFKA_BROKERS: '127.0.0.1:9',
    SERVICE_TOKEN_SECRETS: 'a service token secret of 32 bytes or more',
    ...TEST_ENCRYPTION_VARIABLES,
    REQUEST_RATE_PER_KEY: String(PER_KEY.rate),
    REQUEST_BURST_PER_KEY: String(PER_KEY.burst),
    REQUEST_RATE_PER_TENANT: String(PER_TENANT.rate),
    REQUEST_BURST_PER_TENANT: String(PER_TENANT.burst),
  });
  @Module({
    imports: [
      ConfigModule.forRoot(GATEWAY_CONFIG, config),
      PersistenceModule.forRoot(gatewayDatabaseOptions(config.DATABASE_URL)),
      RequestLimitsModule,
    ],
    controllers: [LimitedController],
  })
  class LimitedGatewayModule {}
  return LimitedGatewayModule;
}

interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

async function call(url: string, keyId: string, tenantId: string): Promise<Answer> {
  const response = await fetch(`${url}/limited`, { headers: { 'x-key-id': keyId, 'x-tenant-id': tenantId } });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

describe('request limits shared by two gateway replicas on one PostgreSQL', () => {
  let database: TestDatabase;
  const replicas: RunningService[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('sb_gateway_limits');
    // One after the other, so that the first one's migrations are done before the second starts.
    for (let replica = 0; replica < 2; replica += 1) {
      replicas.push(
        await runService({
          name: `gateway-${replica}`,
          module: limitedGatewayModule(database.url),
          port: 0,
          logger: new StructuredLogger(`gateway-${replica}`, 'warn'),
        }),
      );
    }
  });

  afterAll(async () => {
    for (const replica of replicas) await replica.close();
    await database?.drop();
  });

  it("lets a burst on one key through both replicas up to the key's burst, and refuses the rest with 429 naming the key's limit", async () => {
    const startedAt = Date.now();
    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, index) => call(replicas[index % 2].url, 'key-burst', 'tenant-burst')),
    );
    const elapsedSeconds = (Date.now() - startedAt) / 1000;
    const admitted = answers.filter((answer) => answer.status === 200);
    const refused = answers.filter((answer) => answer.status === 429);

    expect(admitted.length + refused.length).toBe(60);
    expect(admitted.length).toBeGreaterThanOrEqual(PER_KEY.burst);
    expect(admitted.length).toBeLessThanOrEqual(PER_KEY.burst + Math.ceil(PER_KEY.rate * elapsedSeconds));
    expect(admitted[0].headers.get('ratelimit-policy')).toBe('"api-key";q=10;w=2, "tenant";q=20;w=1');
    expect(admitted[0].headers.get('ratelimit')).toMatch(/^"api-key";r=\d+, "tenant";r=\d+$/);
    const problem = refused[0];
    expect(problem.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(problem.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
    expect(problem.headers.get('ratelimit')).toMatch(/^"api-key";r=0;t=[1-9]\d*$/);
    expect(problem.body).toMatchObject({
      status: 429,
      code: 'RATE_LIMITED',
      limit: 'api-key',
      'violated-policies': ['api-key'],
      detail: expect.stringMatching(/^this API key's request limit/),
    });
  });

  it("holds a tenant's keys together to the tenant's rate while they hammer both replicas", async () => {
    const keys = ['key-a', 'key-b', 'key-c', 'key-d', 'key-e', 'key-f', 'key-g', 'key-h'];
    const counts = { admitted: 0, keyRefused: 0, tenantRefused: 0 };
    const startedAt = Date.now();
    const runUntil = startedAt + 1_500;
    // Each key alone stays near its own rate; together they ask twice the tenant's.
    await Promise.all(
      keys.map(async (keyId, index) => {
        while (Date.now() < runUntil) {
          const answer = await call(replicas[index % 2].url, keyId, 'tenant-busy');
          if (answer.status === 200) counts.admitted += 1;
          else if (answer.body.limit === 'tenant') counts.tenantRefused += 1;
          else counts.keyRefused += 1;
        }
      }),
    );
    const elapsedSeconds = (Date.now() - startedAt) / 1000;

    expect(counts.admitted).toBeLessThanOrEqual(
      Math.floor(PER_TENANT.rate * elapsedSeconds + PER_TENANT.burst),
    );
    expect(counts.admitted).toBeGreaterThanOrEqual(Math.floor(PER_TENANT.rate * elapsedSeconds * 0.5));
    expect(counts.tenantRefused).toBeGreaterThan(0);
    // Another tenant's key is untouched by this one's load.
    expect((await call(replicas[0].url, 'key-other', 'tenant-quiet')).status).toBe(200);
  });
});

describe('request limits behind the access guard of two gateways sharing one PostgreSQL', () => {
  let broker: TestBroker;
  let database: TestDatabase;
  const gateways: TestGateway[] = [];

  beforeAll(async () => {
    [broker, database] = await Promise.all([createTestBroker(), createTestDatabase('sb_gateway_guarded')]);
    for (let replica = 0; replica < 2; replica += 1) {
      gateways.push(
        await createTestGateway({
          broker,
          database,
          env: {
            REQUEST_RATE_PER_KEY: String(PER_KEY.rate),
            REQUEST_BURST_PER_KEY: String(PER_KEY.burst),
          },
        }),
      );
    }
  });

  afterAll(async () => {
    for (const gateway of gateways) await gateway.close();
    await broker?.stop();
    await database?.drop();
  });

  it("answers a key's burst across both gateways with 200 up to the key's burst and 429 for the rest", async () => {
    const apiKey = await gateways[0].createApiKey('acme-limited', { role: 'owner' });
    const startedAt = Date.now();
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, index) => gateways[index % 2].call('GET', '/v1/api-keys', { apiKey })),
    );
    const elapsedSeconds = (Date.now() - startedAt) / 1000;
    const admitted = answers.filter((answer) => answer.status === 200);
    const refused = answers.filter((answer) => answer.status === 429);

    expect(admitted.length + refused.length).toBe(40);
    expect(admitted.length).toBeGreaterThanOrEqual(PER_KEY.burst);
    expect(admitted.length).toBeLessThanOrEqual(PER_KEY.burst + Math.ceil(PER_KEY.rate * elapsedSeconds));
    expect(admitted[0].headers.get('ratelimit')).toMatch(/^"api-key";r=\d+, "tenant";r=\d+$/);
    expect(refused[0].headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
    expect(refused[0].body).toMatchObject({ status: 429, code: 'RATE_LIMITED', limit: 'api-key' });
    // Another key of the tenant is not held by this key's limit.
    const otherKey = await gateways[1].createApiKey('acme-limited', { role: 'owner' });
    expect((await gateways[1].call('GET', '/v1/api-keys', { apiKey: otherKey })).status).toBe(200);
  });
});
