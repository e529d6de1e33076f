import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { generateVAPIDKeys } from 'web-push';
import {
  createTestBroker,
  createTestDatabase,
  freePort,
  PLATFORM_SERVICES,
  repoRoot,
  startPlatform,
  startPushService,
  startSesEmulator,
  startSesFaultProxy,
  startSnsEmulator,
  startTcpFaultProxy,
  startTraceCollector,
  TEST_CONSUMER_TIMINGS,
  type PushService,
  type SesFaultProxy,
  type SnsEmulator,
  type PlatformServiceName,
  type RunningPlatform,
  type SesEmulator,
  type StartPlatformOptions,
  type TcpFaultProxy,
  type TestBroker,
  type TestDatabase,
  type TraceCollector,
} from '@switchboard/testing';

export const UPSTREAM_TOPIC = 'e2e.upstream.orders';
export const DEV_API_KEY = 'sb_e2e_development_key_0123456789';
export const DEV_TENANT = 'e2e-tenant';

/** The whole platform as a user runs it: every service its own process (or all in one), real PostgreSQL, our broker. */
export interface E2ePlatform {
  broker: TestBroker;
  database: TestDatabase;
  ses: SesEmulator;
  traces: TraceCollector;
  platform: RunningPlatform;
  api: GatewayClient;
  /** Present when started with `channels`: the other senders and their provider sandboxes. */
  channels?: ChannelSandboxes;
  /** The proxies `faultProxies` asked for, between the services and PostgreSQL or the broker. */
  faults: FaultProxies;
  stop(): Promise<void>;
}

/** Reading one that `faultProxies` did not ask for throws. */
export interface FaultProxies {
  readonly database: TcpFaultProxy;
  readonly broker: TcpFaultProxy;
}

export interface ChannelSandboxes {
  sns: SnsEmulator;
  push: PushService;
  /** In front of the SES emulator, so a test can make SES reject or fail. */
  sesFaults: SesFaultProxy;
  inboxUrl: string;
}

export interface E2ePlatformOptions {
  /** Also start the SMS, push and in-app senders, each against its provider sandbox. */
  channels?: boolean;
  /** Extra environment per service, over the defaults (e.g. a sender's retry settings). */
  serviceEnv?: StartPlatformOptions['serviceEnv'];
  /**
   * A TCP fault proxy between every service and PostgreSQL and/or the broker, to cut with
   * `faults.database.cut()`; the test's own clients (`database.url`, `broker.address`) go direct.
   */
  faultProxies?: { database?: boolean; broker?: boolean };
  /** Extra environment for every service (e.g. KAFKA_COMPRESSION). */
  env?: Record<string, string>;
  /** Every service in one process, as `npm start` runs them (startPlatform's `oneProcess`). */
  oneProcess?: boolean;
}

export async function startE2ePlatform(options: E2ePlatformOptions = {}): Promise<E2ePlatform> {
  const broker = await createTestBroker({ faultProxy: options.faultProxies?.broker ?? false });
  const database = await createTestDatabase(options.channels ? 'sb_e2e_channels' : 'sb_e2e');
  const databaseProxy = options.faultProxies?.database
    ? await startTcpFaultProxy({ target: hostAndPort(database.url) })
    : undefined;
  const ses = await startSesEmulator({ port: 0 });
  const traces = await startTraceCollector();
  const sandboxes = options.channels ? await startChannelSandboxes(ses.endpoint) : undefined;
  const ports = Object.fromEntries(
    await Promise.all(PLATFORM_SERVICES.map(async ({ name }) => [name, await freePort()] as const)),
  ) as Record<PlatformServiceName, number>;
  const channelPorts = sandboxes
    ? {
        'sender-sms': await freePort(),
        'sender-push': await freePort(),
        'sender-inapp': await freePort(),
      }
    : {};
  const vapidKeys = generateVAPIDKeys();
  const platform = await startPlatform({
    oneProcess: options.oneProcess ?? false,
    infrastructure: {
      kafkaBrokers: broker.faultProxy?.address ?? broker.address,
      databaseUrl: databaseProxy ? withHostAndPort(database.url, databaseProxy.address) : database.url,
      sesEndpoint: sandboxes?.sesFaults.endpoint ?? ses.endpoint,
      otlpEndpoint: traces.endpoint,
    },
    channels: sandboxes
      ? {
          sms: { snsEndpoint: sandboxes.sns.endpoint },
          push: {
            vapidPublicKey: vapidKeys.publicKey,
            vapidPrivateKey: vapidKeys.privateKey,
            vapidSubject: 'mailto:e2e@switchboard.local',
            sandboxOrigins: [sandboxes.push.origin],
          },
          inapp: { tokenSecrets: [randomBytes(32).toString('base64url')] },
        }
      : undefined,
    devApiKey: DEV_API_KEY,
    devTenant: DEV_TENANT,
    ports: { ...ports, ...channelPorts },
    env: { LOG_LEVEL: 'info', ...TEST_CONSUMER_TIMINGS, ...options.env },
    serviceEnv: {
      ...options.serviceEnv,
      ingest: { INGEST_UPSTREAM_TOPICS: `${UPSTREAM_TOPIC}:*`, ...options.serviceEnv?.ingest },
    },
  });
  return {
    broker,
    database,
    ses,
    traces,
    platform,
    api: new GatewayClient(platform.gatewayUrl, DEV_API_KEY),
    channels: sandboxes && { ...sandboxes, inboxUrl: platform.urls['sender-inapp'] ?? '' },
    faults: faultProxies({ database: databaseProxy, broker: broker.faultProxy }),
    stop: async () => {
      // The services drain and commit on the way out, which a proxy left cut would stop.
      databaseProxy?.restore();
      broker.faultProxy?.restore();
      await platform
        .stop()
        .catch(() => Promise.all(Object.values(platform.services).map((service) => service?.kill())));
      await Promise.allSettled([
        ses.stop(),
        traces.stop(),
        sandboxes?.sns.stop(),
        sandboxes?.push.stop(),
        sandboxes?.sesFaults.stop(),
        databaseProxy?.stop(),
      ]);
      await broker.stop();
      await database.drop();
    },
  };
}

function faultProxies(proxies: Partial<Record<keyof FaultProxies, TcpFaultProxy>>): FaultProxies {
  const asked = (name: keyof FaultProxies): TcpFaultProxy => {
    const proxy = proxies[name];
    if (!proxy) throw new Error(`the platform was started without faultProxies.${name}`);
    return proxy;
  };
  return {
    get database() {
      return asked('database');
    },
    get broker() {
      return asked('broker');
    },
  };
}

function hostAndPort(url: string): string {
  const { hostname, port } = new URL(url);
  return `${hostname}:${port || '5432'}`;
}

function withHostAndPort(url: string, address: string): string {
  const changed = new URL(url);
  changed.host = address;
  return changed.toString();
}

async function startChannelSandboxes(sesEndpoint: string): Promise<Omit<ChannelSandboxes, 'inboxUrl'>> {
  const [sns, push, sesFaults] = await Promise.all([
    startSnsEmulator({ port: 0 }),
    startPushService({ port: 0 }),
    startSesFaultProxy({ target: sesEndpoint }),
  ]);
  return { sns, push, sesFaults };
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

/** A key for `tenant`, made with the operator command the README documents. */
export function createApiKey(databaseUrl: string, tenant: string): string {
  const output = execFileSync(
    process.execPath,
    [
      '-r',
      '@swc-node/register',
      'apps/gateway/src/cli/api-keys.ts',
      'create',
      '--tenant',
      tenant,
      '--name',
      'e2e',
      '--role',
      'owner',
    ],
    {
      cwd: repoRoot(),
      env: { ...process.env, DATABASE_URL: databaseUrl },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    },
  );
  return output.trim();
}
