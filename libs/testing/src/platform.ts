import { startServiceProcess, type ServiceProcess } from './service-process';

/** Every Switchboard service, in the order a message travels, with its default port. */
export const PLATFORM_SERVICES = [
  { name: 'gateway', port: 3000 },
  { name: 'ingest', port: 3101 },
  { name: 'router', port: 3102 },
  { name: 'template', port: 3103 },
  { name: 'sender-email', port: 3104 },
  { name: 'analytics', port: 3105 },
] as const;

export type PlatformServiceName = (typeof PLATFORM_SERVICES)[number]['name'];

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
  /** Per-service port overrides (tests use free ports so a running `npm start` does not collide). */
  ports?: Partial<Record<PlatformServiceName, number>>;
  /** Extra environment for every service, then per service. */
  env?: Record<string, string>;
  serviceEnv?: Partial<Record<PlatformServiceName, Record<string, string>>>;
  onLine?: (service: PlatformServiceName, line: string) => void;
  timeoutMs?: number;
}

export interface RunningPlatform {
  services: Record<PlatformServiceName, ServiceProcess>;
  urls: Record<PlatformServiceName, string>;
  gatewayUrl: string;
  /** SIGTERM to every service (they finish in-flight work and commit), gateway first. */
  stop(): Promise<void>;
}

/** Starts every service as its own process and resolves when each answers /health/ready. */
export async function startPlatform(options: StartPlatformOptions): Promise<RunningPlatform> {
  const ports = Object.fromEntries(
    PLATFORM_SERVICES.map(({ name, port }) => [name, options.ports?.[name] ?? port]),
  ) as Record<PlatformServiceName, number>;
  const urls = Object.fromEntries(
    PLATFORM_SERVICES.map(({ name }) => [name, `http://127.0.0.1:${ports[name]}`]),
  ) as Record<PlatformServiceName, string>;
  const { infrastructure } = options;
  const common: Record<string, string> = {
    KAFKA_BROKERS: infrastructure.kafkaBrokers,
    DATABASE_URL: infrastructure.databaseUrl,
    ...(infrastructure.otlpEndpoint ? { OTEL_EXPORTER_OTLP_ENDPOINT: infrastructure.otlpEndpoint } : {}),
    ...options.env,
  };
  const specific: Record<PlatformServiceName, Record<string, string>> = {
    gateway: {
      SWITCHBOARD_DEV_API_KEY: options.devApiKey,
      SWITCHBOARD_DEV_TENANT: options.devTenant ?? 'dev',
      ANALYTICS_URL: urls.analytics,
      TEMPLATE_URL: urls.template,
      INGEST_URL: urls.ingest,
      ROUTER_URL: urls.router,
    },
    ingest: {},
    router: {},
    template: {},
    // A sandbox needs no verified sender; with real SES, EMAIL_FROM must come from the environment.
    'sender-email': infrastructure.sesEndpoint
      ? {
          SES_ENDPOINT: infrastructure.sesEndpoint,
          EMAIL_FROM: process.env.EMAIL_FROM ?? 'Switchboard <notifications@switchboard.local>',
        }
      : {},
    analytics: {},
  };

  const started: ServiceProcess[] = [];
  try {
    const processes = await Promise.all(
      PLATFORM_SERVICES.map(async ({ name }) => {
        const service = await startServiceProcess({
          name,
          entry: `apps/${name}/src/main.ts`,
          env: { ...common, PORT: String(ports[name]), ...specific[name], ...options.serviceEnv?.[name] },
          readyUrl: `${urls[name]}/health/ready`,
          timeoutMs: options.timeoutMs ?? 120_000,
          onLine: options.onLine && ((line) => options.onLine?.(name, line)),
        });
        started.push(service);
        return [name, service] as const;
      }),
    );
    const services = Object.fromEntries(processes) as Record<PlatformServiceName, ServiceProcess>;
    return {
      services,
      urls,
      gatewayUrl: urls.gateway,
      stop: async () => {
        await services.gateway.stop(20_000);
        await Promise.all(
          PLATFORM_SERVICES.filter(({ name }) => name !== 'gateway').map(({ name }) =>
            services[name].stop(20_000),
          ),
        );
      },
    };
  } catch (error) {
    await Promise.allSettled(started.map((service) => service.kill()));
    throw error;
  }
}
