// `npm start`: the whole platform on one machine. Whatever is not given from outside starts
// embedded: our Kafka-wire broker (unless KAFKA_BROKERS), PGlite behind a PostgreSQL socket
// (unless DATABASE_URL), the SES emulator with its mail viewer (unless SES_ENDPOINT or
// USE_AMAZON_SES), the SNS emulator with its SMS outbox (unless SNS_ENDPOINT or USE_AMAZON_SNS)
// and a local web push service. Then the services start, all in one process (SWITCHBOARD_PROCESSES),
// each its own Nest app talking only over Kafka and HTTP.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { defineConfig, env, loadConfig } from '@switchboard/config';
import { startBroker } from '@switchboard/kafka-broker';
import { startEmbeddedPostgres } from '@switchboard/persistence';
import {
  repoRoot,
  startPlatform,
  startPushService,
  startSesEmulator,
  startSnsEmulator,
  SERVICES_HOST,
  SERVICES_HOST_HEAP_MB,
  type AnyPlatformServiceName,
  type SnsEmulator,
} from '@switchboard/sandboxes';
import { generateVAPIDKeys } from 'web-push';

const launcherConfig = defineConfig({
  SWITCHBOARD_DATA_DIR: {
    schema: env.string({ default: '.switchboard' }),
    description: 'Where the embedded broker, database and development key keep their files',
  },
  KAFKA_BROKERS: {
    schema: env.string({ default: '' }),
    description: 'Use this Kafka instead of starting the embedded broker (comma-separated host:port)',
  },
  BROKER_PORT: { schema: env.port(9092), description: 'Port of the embedded broker' },
  DATABASE_URL: {
    schema: env.string({ default: '' }),
    description: 'Use this PostgreSQL instead of the embedded one',
    sensitive: true,
  },
  EMBEDDED_POSTGRES_PORT: { schema: env.port(54329), description: 'Port of the embedded PostgreSQL' },
  SES_ENDPOINT: {
    schema: env.string({ default: '' }),
    description: 'Send email through this SES-compatible endpoint instead of the local emulator',
  },
  USE_AMAZON_SES: {
    schema: env.boolean(false),
    description: 'Send email through Amazon SES itself (needs AWS credentials and a verified EMAIL_FROM)',
  },
  SES_EMULATOR_PORT: {
    schema: env.port(8005),
    description: 'Port of the local SES emulator and mail viewer',
  },
  SNS_ENDPOINT: {
    schema: env.string({ default: '' }),
    description: 'Send SMS through this SNS-compatible endpoint instead of the local emulator',
  },
  USE_AMAZON_SNS: {
    schema: env.boolean(false),
    description:
      'Send SMS through Amazon SNS itself (needs AWS credentials; SMS_PROVIDERS chooses the regions)',
  },
  SNS_EMULATOR_PORT: {
    schema: env.port(8006),
    description: 'Port of the local SNS emulator and its SMS outbox page',
  },
  PUSH_SERVICE_PORT: {
    schema: env.port(8007),
    description: 'Port of the local web push service (browsers’ real push services work as well)',
  },
  SWITCHBOARD_DEV_API_KEY: {
    schema: env.string({ default: '' }),
    description: 'Development API key; generated once and kept in the data directory when unset',
    sensitive: true,
  },
  SWITCHBOARD_OPERATOR_API_KEY: {
    schema: env.string({ default: '' }),
    description:
      'Operator key of the gateway (dead letters of every tenant, /v1/operator/*); generated once and kept in the data directory when unset',
    sensitive: true,
  },
  LINK_SIGNING_KEYS: {
    schema: env.string({ default: '' }),
    description:
      'Keys that sign unsubscribe and preference links (keyId:secret,...); generated once and kept in the data directory when unset',
    sensitive: true,
  },
  ENCRYPTION_MASTER_KEYS: {
    schema: env.string({ default: '' }),
    description:
      'Master keys of encryption at rest (id=base64,...); generated once and kept in the data directory when unset',
    sensitive: true,
  },
  SERVICE_TOKEN_SECRETS: {
    schema: env.string({ default: '' }),
    description:
      'Secrets of the credentials the gateway sends to the internal APIs (comma-separated, 32+ bytes each); generated once and kept in the data directory when unset',
    sensitive: true,
  },
  PUBLIC_BASE_URL: {
    schema: env.string({ default: '' }),
    description:
      'Where links in emails point (a tunnel to the gateway, say); the gateway’s own URL when unset',
  },
  OTEL_EXPORTER_OTLP_ENDPOINT: {
    schema: env.string({ default: '' }),
    description: 'OpenTelemetry collector for the services’ traces (e.g. http://127.0.0.1:4318)',
  },
  SWITCHBOARD_PROCESSES: {
    schema: env.oneOf(['one', 'per-service'] as const, 'one'),
    description:
      'one: every service in one Node process (about a third of the memory; one crash stops them all); per-service: a process each, as in production. With OTEL_EXPORTER_OTLP_ENDPOINT set, always per-service, so that traces name each service',
  },
  SWITCHBOARD_HOST_HEAP_MB: {
    schema: env.int({ min: 64, max: 65_536, default: SERVICES_HOST_HEAP_MB }),
    description:
      'With SWITCHBOARD_PROCESSES=one: the V8 heap (old space, MiB) of the process hosting the services. Without a limit V8 keeps what a burst grew the heap to; raise it if the host stops with "JavaScript heap out of memory"',
  },
  LOG_FORMAT: {
    schema: env.oneOf(['pretty', 'json'] as const, 'pretty'),
    description: 'pretty: one short line per log entry; json: the services’ own JSON lines',
  },
});

type Stoppable = { name: string; stop(): Promise<void> };

/** The tenant of the development key, and the topic its SMS replies arrive on from the local SNS emulator. */
const DEV_TENANT = 'dev';
const DEV_SMS_REPLY_TOPIC = 'arn:aws:sns:us-east-1:000000000000:switchboard-dev-sms-replies';

async function main(): Promise<void> {
  const config = loadConfig(launcherConfig);
  const dataDir = resolve(config.SWITCHBOARD_DATA_DIR);
  mkdirSync(dataDir, { recursive: true });
  const running: Stoppable[] = [];
  const stopAll = async () => {
    for (const part of running.reverse()) {
      await part.stop().catch((error: Error) => console.error(`stopping ${part.name}: ${error.message}`));
    }
  };
  let stopping = false;
  const onSignal = () => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping: services finish their in-flight work first...');
    void stopAll().then(() => process.exit(0));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    let kafkaBrokers = config.KAFKA_BROKERS;
    if (!kafkaBrokers) {
      const broker = await startBroker({
        dataDir: join(dataDir, 'broker'),
        port: config.BROKER_PORT,
        log: () => undefined,
      });
      running.push({ name: 'broker', stop: () => broker.close() });
      kafkaBrokers = broker.address;
    }

    let databaseUrl = config.DATABASE_URL;
    if (!databaseUrl) {
      const postgres = await startEmbeddedPostgres({
        dataDir: join(dataDir, 'postgres'),
        port: config.EMBEDDED_POSTGRES_PORT,
        // Next to Nx's and other tools' caches: kept across fresh data directories, gone with node_modules.
        templatesDir: join(repoRoot(), 'node_modules', '.cache', 'switchboard'),
      });
      running.push({ name: 'embedded PostgreSQL', stop: () => postgres.stop() });
      databaseUrl = postgres.url;
    }

    let sesEndpoint: string | undefined = config.SES_ENDPOINT || undefined;
    let mailViewer = sesEndpoint ? `(mail goes to ${sesEndpoint})` : 'Amazon SES (see the AWS console)';
    if (!sesEndpoint && !config.USE_AMAZON_SES) {
      const emulator = await startSesEmulator({ port: config.SES_EMULATOR_PORT });
      running.push({ name: 'SES emulator', stop: () => emulator.stop() });
      sesEndpoint = emulator.endpoint;
      mailViewer = emulator.viewerUrl;
    }

    let snsEndpoint: string | undefined = config.SNS_ENDPOINT || undefined;
    let smsOutbox = snsEndpoint ? `(SMS go to ${snsEndpoint})` : 'Amazon SNS (see the AWS console)';
    let snsEmulator: SnsEmulator | undefined;
    if (!snsEndpoint && !config.USE_AMAZON_SNS) {
      snsEmulator = await startSnsEmulator({ port: config.SNS_EMULATOR_PORT });
      const emulator = snsEmulator;
      running.push({ name: 'SNS emulator', stop: () => emulator.stop() });
      snsEndpoint = emulator.endpoint;
      smsOutbox = emulator.viewerUrl;
    }
    // With the local SNS emulator, replies to the development tenant's SMS (STOP, START) reach the
    // gateway as two-way SMS would deliver them: POST /simulate/inbound-sms on the emulator.
    const smsReplies = snsEmulator
      ? {
          SMS_REPLY_TOPICS: `${DEV_SMS_REPLY_TOPIC}=${DEV_TENANT}`,
          SNS_TRUSTED_SIGNING_CERTIFICATE_PEM: snsEmulator.signingCertificatePem,
        }
      : undefined;

    const pushService = await startPushService({ port: config.PUSH_SERVICE_PORT });
    running.push({ name: 'push service', stop: () => pushService.stop() });

    const devApiKey = config.SWITCHBOARD_DEV_API_KEY || developmentKey(dataDir);
    const operatorApiKey = config.SWITCHBOARD_OPERATOR_API_KEY || developmentOperatorKey(dataDir);
    const vapidKeys = developmentVapidKeys(dataDir);
    const inboxTokenSecret = developmentInboxTokenSecret(dataDir);
    const linkSigningKeys = config.LINK_SIGNING_KEYS || developmentLinkSigningKeys(dataDir);
    const serviceTokenSecrets = config.SERVICE_TOKEN_SECRETS || developmentServiceTokenSecret(dataDir);
    // Kept: a new key would lose every suppression kept for an erased recipient.
    const blindIndexKey = keptSecret(join(dataDir, 'blind-index-key'), () =>
      randomBytes(32).toString('base64'),
    );
    // Kept like the blind index key: without it every data key, so every encrypted value, is lost.
    const encryptionMasterKeys = config.ENCRYPTION_MASTER_KEYS || developmentEncryptionMasterKeys(dataDir);
    console.log('Starting the services...');
    const platform = await startPlatform({
      infrastructure: {
        kafkaBrokers,
        databaseUrl,
        sesEndpoint,
        otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT || undefined,
      },
      devApiKey,
      operatorApiKey,
      linkSigningKeys,
      serviceTokenSecrets: serviceTokenSecrets.split(',').map((secret) => secret.trim()),
      blindIndexKey,
      encryptionMasterKeys,
      ...(config.PUBLIC_BASE_URL ? { publicBaseUrl: config.PUBLIC_BASE_URL } : {}),
      channels: {
        sms: { snsEndpoint },
        push: {
          vapidPublicKey: vapidKeys.publicKey,
          vapidPrivateKey: vapidKeys.privateKey,
          vapidSubject: 'mailto:push@switchboard.local',
          // Only the local push service may be reached over plain http on loopback.
          sandboxOrigins: [pushService.origin],
        },
        inapp: { tokenSecrets: [inboxTokenSecret] },
      },
      ...(smsReplies ? { serviceEnv: { gateway: smsReplies } } : {}),
      onLine: config.LOG_FORMAT === 'json' ? (name, line) => console.log(`[${name}] ${line}`) : printPretty,
      // One process reports every span under one service name, so tracing keeps a process each.
      oneProcess: config.SWITCHBOARD_PROCESSES === 'one' && !config.OTEL_EXPORTER_OTLP_ENDPOINT,
      servicesHostHeapMb: config.SWITCHBOARD_HOST_HEAP_MB,
    });
    running.push({ name: 'services', stop: () => platform.stop() });
    await snsEmulator?.subscribe(DEV_SMS_REPLY_TOPIC, `${platform.gatewayUrl}/v1/sms-replies`);

    const api = platform.gatewayUrl;
    const inboxApi = `${platform.urls['sender-inapp'] ?? ''}/v1/inbox`;
    console.log(`
Switchboard is running.
  API:              ${api}
  API docs:         ${api}/docs
  Inbox API:        ${inboxApi}   (recipient tokens: POST ${api}/v1/recipients/{id}/inbox-token)
  Sent mail:        ${mailViewer}
  Sent SMS:         ${smsOutbox}
  Push service:     ${pushService.origin}   (local; POST /subscriptions for one, GET /pushes for what arrived)
  VAPID public key: ${vapidKeys.publicKey}
  Metrics:          ${platform.urls.analytics}/metrics   (Prometheus text: events, circuits, dead letters)
  Dev API key:      ${devApiKey}   (tenant "dev"; set SWITCHBOARD_DEV_API_KEY to choose it)
  Operator key:     ${operatorApiKey}   (dead letters of every tenant: GET ${api}/v1/operator/dead-letters)
  Kafka:            ${kafkaBrokers}${config.KAFKA_BROKERS ? '' : ' (embedded)'}
  PostgreSQL:       ${config.DATABASE_URL ? 'from DATABASE_URL' : `${databaseUrl} (embedded)`}

Send a first email:
  curl -s -X POST ${api}/v1/messages \\
    -H "Authorization: Bearer ${devApiKey}" -H 'Content-Type: application/json' \\
    -d '{"recipient":{"email":"ada@example.com"},"content":{"subject":"Hello","text":"It works."}}'

Reply STOP to an SMS sent to +14155550123 (its number is then suppressed; START lifts it):
  curl -s -X POST ${snsEmulator?.endpoint ?? '<SNS emulator>'}/simulate/inbound-sms -H 'Content-Type: application/json' \\
    -d '{"topicArn":"${DEV_SMS_REPLY_TOPIC}","originationNumber":"+14155550123","destinationNumber":"+14155550000","body":"STOP"}'

Read a recipient's in-app inbox (their app gets the token from your backend):
  curl -s -X POST ${api}/v1/recipients/ada/inbox-token -H "Authorization: Bearer ${devApiKey}"
  curl -s ${inboxApi} -H "Authorization: Bearer <token>"

Press Ctrl+C to stop.`);
  } catch (error) {
    console.error(`Switchboard could not start: ${error instanceof Error ? error.message : String(error)}`);
    await stopAll();
    process.exit(1);
  }
}

/** A development key made once and kept, so curl commands keep working across restarts. */
function developmentKey(dataDir: string): string {
  return keptSecret(join(dataDir, 'dev-api-key'), () => `sb_dev_${randomBytes(24).toString('base64url')}`);
}

/** The gateway's operator key, made once and kept like the development key. */
function developmentOperatorKey(dataDir: string): string {
  return keptSecret(join(dataDir, 'operator-api-key'), () => `sbop_${randomBytes(32).toString('base64url')}`);
}

/** A VAPID key pair made once and kept: browsers subscribed with the public key stay reachable. */
function developmentVapidKeys(dataDir: string): { publicKey: string; privateKey: string } {
  const file = join(dataDir, 'vapid-keys.json');
  if (existsSync(file))
    return JSON.parse(readFileSync(file, 'utf8')) as { publicKey: string; privateKey: string };
  const keys = generateVAPIDKeys();
  writeFileSync(file, `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600 });
  return keys;
}

/** The secret shared by the gateway and sender-inapp, kept so that issued inbox tokens survive a restart. */
function developmentInboxTokenSecret(dataDir: string): string {
  return keptSecret(join(dataDir, 'inbox-token-secret'), () => randomBytes(32).toString('base64url'));
}

/** The key that signs unsubscribe links, kept so that links in emails already sent keep working. */
function developmentLinkSigningKeys(dataDir: string): string {
  return keptSecret(join(dataDir, 'link-signing-keys'), () => `dev:${randomBytes(32).toString('base64url')}`);
}

/** The secret of the gateway's credentials to the internal APIs, kept like the other secrets. */
function developmentServiceTokenSecret(dataDir: string): string {
  return keptSecret(join(dataDir, 'service-token-secret'), () => randomBytes(32).toString('base64url'));
}

/** The master key that wraps the data keys of encryption at rest, kept with the data it protects. */
function developmentEncryptionMasterKeys(dataDir: string): string {
  return keptSecret(
    join(dataDir, 'encryption-master-keys'),
    () => `dev=${randomBytes(32).toString('base64')}`,
  );
}

/** The secret in `file`, or a new one made and written there (readable by this user only). */
function keptSecret(file: string, make: () => string): string {
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = make();
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

// The services log JSON lines; a terminal reads better as `time service level message`.
function printPretty(service: AnyPlatformServiceName | typeof SERVICES_HOST, line: string): void {
  try {
    const entry = JSON.parse(line) as {
      time?: string;
      level?: string;
      message?: string;
      msg?: string;
      context?: string;
    };
    const time = (entry.time ?? new Date().toISOString()).slice(11, 19);
    const context = entry.context ? ` ${entry.context}:` : '';
    console.log(
      `${time} ${service.padEnd(12)} ${(entry.level ?? 'info').padEnd(5)}${context} ${entry.message ?? entry.msg ?? line}`,
    );
  } catch {
    console.log(`${service.padEnd(21)} ${line}`);
  }
}

void main();
