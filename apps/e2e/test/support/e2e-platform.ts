import {
  createTestBroker,
  createTestDatabase,
  freePort,
  PLATFORM_SERVICES,
  startPlatform,
  startSesEmulator,
  startTraceCollector,
  type PlatformServiceName,
  type RunningPlatform,
  type SesEmulator,
  type TestBroker,
  type TestDatabase,
  type TraceCollector,
} from '@switchboard/testing';

export const UPSTREAM_TOPIC = 'e2e.upstream.orders';
export const DEV_API_KEY = 'sb_e2e_development_key_0123456789';
export const DEV_TENANT = 'e2e-tenant';

/** The whole platform as a user runs it: every service its own process, real PostgreSQL, our broker. */
export interface E2ePlatform {
  broker: TestBroker;
  database: TestDatabase;
  ses: SesEmulator;
  traces: TraceCollector;
  platform: RunningPlatform;
  api: GatewayClient;
  stop(): Promise<void>;
}

export async function startE2ePlatform(): Promise<E2ePlatform> {
  const broker = await createTestBroker();
  const database = await createTestDatabase('sb_e2e');
  const ses = await startSesEmulator({ port: 0 });
  const traces = await startTraceCollector();
  const ports = Object.fromEntries(
    await Promise.all(PLATFORM_SERVICES.map(async ({ name }) => [name, await freePort()] as const)),
  ) as Record<PlatformServiceName, number>;
  const platform = await startPlatform({
    infrastructure: {
      kafkaBrokers: broker.address,
      databaseUrl: database.url,
      sesEndpoint: ses.endpoint,
      otlpEndpoint: traces.endpoint,
    },
    devApiKey: DEV_API_KEY,
    devTenant: DEV_TENANT,
    ports,
    env: { LOG_LEVEL: 'info' },
    serviceEnv: { ingest: { INGEST_UPSTREAM_TOPICS: UPSTREAM_TOPIC } },
  });
  return {
    broker,
    database,
    ses,
    traces,
    platform,
    api: new GatewayClient(platform.gatewayUrl, DEV_API_KEY),
    stop: async () => {
      await platform
        .stop()
        .catch(() => Promise.all(Object.values(platform.services).map((service) => service.kill())));
      await Promise.allSettled([ses.stop(), traces.stop()]);
      await broker.stop();
      await database.drop();
    },
  };
}

export interface ApiResponse<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

/** A caller of the public HTTP API, as curl would be. */
export class GatewayClient {
  constructor(
    readonly baseUrl: string,
    private readonly apiKey: string | undefined,
  ) {}

  withKey(apiKey: string | undefined): GatewayClient {
    return new GatewayClient(this.baseUrl, apiKey);
  }

  async request<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiResponse<T>> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        ...(this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: (text ? JSON.parse(text) : {}) as T };
  }

  post<T = Record<string, unknown>>(path: string, body: unknown, headers?: Record<string, string>) {
    return this.request<T>('POST', path, body, headers);
  }

  get<T = Record<string, unknown>>(path: string) {
    return this.request<T>('GET', path);
  }
}
