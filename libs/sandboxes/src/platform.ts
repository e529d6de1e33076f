import { HOSTED_SERVICES_VARIABLE } from '@switchboard/config';
import { randomBytes } from 'node:crypto';
import {
  assertServicesBuilt,
  assertServicesHostBuilt,
  compiledServiceEntry,
  SERVICES_HOST_ENTRY,
} from './service-build';
import { startServiceProcess, type ServiceProcess } from './service-process';

/** The services `startPlatform` always starts, in the order a message travels, with their default ports. */
export const PLATFORM_SERVICES = [
  { name: 'gateway', port: 3000 },
  { name: 'ingest', port: 3101 },
  { name: 'router', port: 3102 },
  { name: 'template', port: 3103 },
  { name: 'sender-email', port: 3104 },
  { name: 'analytics', port: 3105 },
] as const;

/**
 * The SMS, push and in-app senders, each started only when `channels` configures it: they need
 * provider settings (an SNS endpoint, VAPID keys, token secrets), and a suite that sends only
 * email should not pay for three more processes.
 */
export const CHANNEL_SENDER_SERVICES = [
  { name: 'sender-sms', port: 3106 },
  { name: 'sender-push', port: 3107 },
  { name: 'sender-inapp', port: 3108 },
] as const;

export type PlatformServiceName = (typeof PLATFORM_SERVICES)[number]['name'];
export type ChannelSenderServiceName = (typeof CHANNEL_SENDER_SERVICES)[number]['name'];
export type AnyPlatformServiceName = PlatformServiceName | ChannelSenderServiceName;

/** Which channel senders to start, and with which providers. */
export interface ChannelSenderSettings {
  /** sender-sms. Without `snsEndpoint` it calls Amazon SNS with the AWS credentials of the environment. */
  sms?: { snsEndpoint?: string };
  /** sender-push, signing with this VAPID key pair. */
  push?: {
    vapidPublicKey: string;
    vapidPrivateKey: string;
    /** `mailto:` or `https:` contact for the push services. */
    vapidSubject: string;
    /** Origins of local push services that may be reached over http on loopback (the sandbox). */
    sandboxOrigins?: string[];
  };
  /** sender-inapp; the gateway gets the same secrets and issues recipient tokens signed with the first. */
  inapp?: { tokenSecrets: string[] };
}

/** Where the services find Kafka, PostgreSQL, the SES endpoint and the trace collector. */
export interface PlatformInfrastructure {
  kafkaBrokers: string;
  databaseUrl: string;
  /** Unset: the AWS SDK's own endpoint for the region (real Amazon SES). */
  sesEndpoint?: string;
  otlpEndpoint?: string;
}

export interface StartPlatformOptions {
  infrastructure: PlatformInfrastructure;
  devApiKey: string;
  devTenant?: string;
  /** The gateway's operator key (OPERATOR_API_KEYS: dead letters of every tenant); one is made when unset. */
  operatorApiKey?: string;
  /**
   * LINK_SIGNING_KEYS of the router and gateway (`keyId:secret,...`): emails of opt-outable types
   * then carry signed one-click unsubscribe links to the gateway. Unset: no links.
   */
  linkSigningKeys?: string;
  /** Where the router's links point; the gateway's URL unless set (a tunnel or proxy in front of it). */
  publicBaseUrl?: string;
  /** Channel senders to start besides the always-started services; none when unset. */
  channels?: ChannelSenderSettings;
  /**
   * SERVICE_TOKEN_SECRETS of every service (the first signs the gateway's credentials to the
   * internal APIs); a random one per platform when unset.
   */
  serviceTokenSecrets?: string[];
  /** BLIND_INDEX_KEY of every service (base64, 32+ bytes); a random one unless given. */
  blindIndexKey?: string;
  /** ENCRYPTION_MASTER_KEYS of every service (`id=base64,...`); a random one unless given. */
  encryptionMasterKeys?: string;
  /** Per-service port overrides (tests use free ports so a running `npm start` does not collide). */
  ports?: Partial<Record<AnyPlatformServiceName, number>>;
  /** Extra environment for every service, then per service. */
  env?: Record<string, string>;
  serviceEnv?: Partial<Record<AnyPlatformServiceName, Record<string, string>>>;
  /** Each output line, with the service that wrote it ('services' for a host's own lines). */
  onLine?: (service: AnyPlatformServiceName | typeof SERVICES_HOST, line: string) => void;
  timeoutMs?: number;
  /**
   * Every service in one Node process (`SERVICES_HOST_ENTRY`, built by `nx run tools:build`), each
   * still its own Nest app: a third of the memory, for `npm start`. Every entry of `services` is
   * then that one process. Unset: a process per service, as in production.
   */
  oneProcess?: boolean;
  /**
   * The services host's V8 old space, in MiB (`--max-old-space-size`); with `oneProcess` only.
   * Default SERVICES_HOST_HEAP_MB.
   */
  servicesHostHeapMb?: number;
}

/**
 * V8 sizes a process's heap for the machine and keeps what a burst grew it to: after 5,000 emails
 * the host held 577 MB, at 256 MB of old space 282 MB, with the same time for the burst
 * (`npm run bench:footprint -- --saturation=5000`); at 160 MB the burst took a quarter longer.
 */
export const SERVICES_HOST_HEAP_MB = 256;

/** The name a services host's own lines (and its process) go by. */
export const SERVICES_HOST = 'services';

export interface RunningPlatform {
  /** Every always-started service, and the channel senders that `channels` asked for. */
  services: Record<PlatformServiceName, ServiceProcess> &
    Partial<Record<ChannelSenderServiceName, ServiceProcess>>;
  urls: Record<PlatformServiceName, string> & Partial<Record<ChannelSenderServiceName, string>>;
  gatewayUrl: string;
  /** The key the gateway's operator routes (/v1/operator/*) accept. */
  operatorApiKey: string;
  /** What a test signs a service credential with to call an internal API directly. */
  serviceTokenSecrets: string[];
  /** SIGTERM to every service (they finish in-flight work and commit), gateway first. */
  stop(): Promise<void>;
}

// As many as the gateway's request limits take: far more than one machine can send.
const UNTHROTTLED_REQUESTS_PER_SECOND = 1_000_000;

/**
 * Starts every service, and the channel senders `channels` asks for, each as its own process from
 * its compiled output (build them first: `BUILD_SERVICES_COMMAND`); resolves when each answers
 * /health/ready.
 */
export async function startPlatform(options: StartPlatformOptions): Promise<RunningPlatform> {
  const { infrastructure, channels = {} } = options;
  const selected = [
    ...PLATFORM_SERVICES,
    ...CHANNEL_SENDER_SERVICES.filter(({ name }) => channelSenderRequested(channels, name)),
  ];
  if (options.oneProcess) assertServicesHostBuilt();
  else assertServicesBuilt(selected.map(({ name }) => name));
  const ports = Object.fromEntries(
    selected.map(({ name, port }) => [name, options.ports?.[name] ?? port]),
  ) as Record<AnyPlatformServiceName, number>;
  const urls = Object.fromEntries(
    selected.map(({ name }) => [name, `http://127.0.0.1:${ports[name]}`]),
  ) as Record<AnyPlatformServiceName, string>;
  const serviceTokenSecrets = options.serviceTokenSecrets ?? [randomBytes(32).toString('base64url')];
  const common: Record<string, string> = {
    KAFKA_BROKERS: infrastructure.kafkaBrokers,
    DATABASE_URL: infrastructure.databaseUrl,
    // Every service gets it; those without an internal API do not read it.
    SERVICE_TOKEN_SECRETS: serviceTokenSecrets.join(','),
    // The router keeps an erased recipient's suppressions under this key's blind index.
    BLIND_INDEX_KEY: options.blindIndexKey ?? randomBytes(32).toString('base64'),
    // Wraps the data keys personal data is encrypted with (the router's recipients, so far).
    ENCRYPTION_MASTER_KEYS: options.encryptionMasterKeys ?? `platform=${randomBytes(32).toString('base64')}`,
    ...(infrastructure.otlpEndpoint ? { OTEL_EXPORTER_OTLP_ENDPOINT: infrastructure.otlpEndpoint } : {}),
    ...options.env,
  };
  const operatorApiKey = options.operatorApiKey ?? `sbop_${randomBytes(32).toString('base64url')}`;
  const inboxTokenSecrets: Record<string, string> = channels.inapp
    ? { INBOX_TOKEN_SECRETS: channels.inapp.tokenSecrets.join(',') }
    : {};
  const linkSigningKeys: Record<string, string> = options.linkSigningKeys
    ? { LINK_SIGNING_KEYS: options.linkSigningKeys }
    : {};
  const specific: Record<AnyPlatformServiceName, Record<string, string>> = {
    gateway: {
      SWITCHBOARD_DEV_API_KEY: options.devApiKey,
      SWITCHBOARD_DEV_TENANT: options.devTenant ?? 'dev',
      OPERATOR_API_KEYS: operatorApiKey,
      ANALYTICS_URL: urls.analytics,
      TEMPLATE_URL: urls.template,
      INGEST_URL: urls.ingest,
      ROUTER_URL: urls.router,
      // Asked for a person's inbox in their export.
      ...(urls['sender-inapp'] ? { SENDER_INAPP_URL: urls['sender-inapp'] } : {}),
      // Tests and benches drive the one development key far past a client's rate (the pipeline
      // bench registers a thousand push recipients eight calls at a time); the request limits are
      // tested on their own, and serviceEnv can set them for a run that wants them.
      REQUEST_RATE_PER_KEY: String(UNTHROTTLED_REQUESTS_PER_SECOND),
      REQUEST_BURST_PER_KEY: String(UNTHROTTLED_REQUESTS_PER_SECOND),
      REQUEST_RATE_PER_TENANT: String(UNTHROTTLED_REQUESTS_PER_SECOND),
      REQUEST_BURST_PER_TENANT: String(UNTHROTTLED_REQUESTS_PER_SECOND),
      ...inboxTokenSecrets,
      ...linkSigningKeys,
    },
    ingest: {},
    router: {
      // The router checks push endpoints at registration; the local push service is on loopback.
      ...(channels.push?.sandboxOrigins?.length
        ? { ROUTER_PUSH_SANDBOX_ORIGINS: channels.push.sandboxOrigins.join(',') }
        : {}),
      // Unsubscribe links in emails point at the gateway.
      PUBLIC_BASE_URL: options.publicBaseUrl ?? urls.gateway,
      ...linkSigningKeys,
    },
    template: {},
    // A sandbox needs no verified sender; with real SES, EMAIL_FROM must come from the environment.
    // It has no SES sending quota either: the rate is the pipeline's to find (the bench pushes
    // thousands), and a short lease lets a restarted sender resume a crashed one's emails soon.
    'sender-email': infrastructure.sesEndpoint
      ? {
          SES_ENDPOINT: infrastructure.sesEndpoint,
          EMAIL_FROM: process.env.EMAIL_FROM ?? 'Switchboard <notifications@switchboard.local>',
          EMAIL_RATE_PER_SECOND: '5000',
          EMAIL_RATE_BURST: '5000',
          EMAIL_LEASE: '15s',
        }
      : {},
    analytics: {},
    'sender-sms': channels.sms?.snsEndpoint ? { SNS_ENDPOINT: channels.sms.snsEndpoint } : {},
    'sender-push': channels.push
      ? {
          VAPID_PUBLIC_KEY: channels.push.vapidPublicKey,
          VAPID_PRIVATE_KEY: channels.push.vapidPrivateKey,
          VAPID_SUBJECT: channels.push.vapidSubject,
          ...(channels.push.sandboxOrigins?.length
            ? { PUSH_SANDBOX_ORIGINS: channels.push.sandboxOrigins.join(',') }
            : {}),
        }
      : {},
    'sender-inapp': inboxTokenSecrets,
  };

  const environmentOf = (name: AnyPlatformServiceName) => ({
    ...common,
    PORT: String(ports[name]),
    ...specific[name],
    ...options.serviceEnv?.[name],
  });
  const readyUrlOf = (name: AnyPlatformServiceName) => `${urls[name]}/health/ready`;
  if (options.oneProcess) {
    const host = await startServiceProcess({
      name: SERVICES_HOST,
      entry: SERVICES_HOST_ENTRY,
      nodeOptions: [`--max-old-space-size=${options.servicesHostHeapMb ?? SERVICES_HOST_HEAP_MB}`],
      env: {
        [HOSTED_SERVICES_VARIABLE]: JSON.stringify(
          selected.map(({ name }) => ({ name, env: environmentOf(name) })),
        ),
      },
      readyUrl: selected.map(({ name }) => readyUrlOf(name)),
      timeoutMs: options.timeoutMs ?? 120_000,
      onLine: options.onLine && ((line) => options.onLine?.(serviceOfLine(line, selected), line)),
    });
    return {
      services: Object.fromEntries(selected.map(({ name }) => [name, host])) as RunningPlatform['services'],
      urls,
      gatewayUrl: urls.gateway,
      operatorApiKey,
      serviceTokenSecrets,
      // The host closes the gateway first, then the others.
      stop: () => host.stop(20_000),
    };
  }

  const started: ServiceProcess[] = [];
  try {
    const processes = await Promise.all(
      selected.map(async ({ name }) => {
        const service = await startServiceProcess({
          name,
          entry: compiledServiceEntry(name),
          env: environmentOf(name),
          readyUrl: readyUrlOf(name),
          timeoutMs: options.timeoutMs ?? 120_000,
          onLine: options.onLine && ((line) => options.onLine?.(name, line)),
        });
        started.push(service);
        return [name, service] as const;
      }),
    );
    const services = Object.fromEntries(processes) as RunningPlatform['services'];
    return {
      services,
      urls,
      gatewayUrl: urls.gateway,
      operatorApiKey,
      serviceTokenSecrets,
      stop: async () => {
        // The gateway first, so that no new request arrives while the others drain.
        await services.gateway.stop(20_000);
        await Promise.all(
          started.filter((service) => service !== services.gateway).map((service) => service.stop(20_000)),
        );
      },
    };
  } catch (error) {
    await Promise.allSettled(started.map((service) => service.kill()));
    throw error;
  }
}

/** The service a host's output line is from: the `service` of a structured log line. */
function serviceOfLine(
  line: string,
  selected: ReadonlyArray<{ name: AnyPlatformServiceName }>,
): AnyPlatformServiceName | typeof SERVICES_HOST {
  if (line.startsWith('{')) {
    try {
      const { service } = JSON.parse(line) as { service?: unknown };
      const match = selected.find(({ name }) => name === service);
      if (match) return match.name;
    } catch {
      // Not a log line of ours: the host's own.
    }
  }
  return SERVICES_HOST;
}

function channelSenderRequested(channels: ChannelSenderSettings, name: ChannelSenderServiceName): boolean {
  switch (name) {
    case 'sender-sms':
      return channels.sms !== undefined;
    case 'sender-push':
      return channels.push !== undefined;
    case 'sender-inapp':
      return channels.inapp !== undefined;
  }
}
