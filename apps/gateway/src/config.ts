import {
  commonVariables,
  ConfigError,
  defineConfig,
  env,
  loadConfig,
  serviceVariables,
  type Environment,
} from '@switchboard/config';
import { encryptionVariables } from '@switchboard/encryption';
import { linkKeyringSchema } from '@switchboard/security';
import { z } from 'zod';

const MINIMUM_INBOX_TOKEN_SECRET_BYTES = 32;

export const gatewayConfigSpec = defineConfig({
  ...commonVariables,
  PORT: { ...commonVariables.PORT, schema: env.port(3000) },
  HOST: {
    ...commonVariables.HOST,
    description: 'Address the HTTP API listens on (0.0.0.0 for every interface)',
  },
  TLS_CERT: {
    schema: env.file({ pem: true }).optional(),
    description:
      'PEM certificate (with its chain) the gateway serves HTTPS with, together with TLS_KEY; unset: plain HTTP (TLS ends at a load balancer in front)',
    sensitive: false,
    example: '/etc/switchboard/gateway.pem',
    crossCheck: (config) =>
      config.TLS_CERT !== undefined && config.TLS_KEY === undefined
        ? 'needs TLS_KEY, its private key'
        : undefined,
  },
  TLS_KEY: {
    schema: env.file({ pem: true }).optional(),
    description: 'PEM private key of TLS_CERT (read at start-up, never logged)',
    sensitive: false,
    example: '/etc/switchboard/gateway-key.pem',
    crossCheck: (config) =>
      config.TLS_KEY !== undefined && config.TLS_CERT === undefined
        ? 'needs TLS_CERT, the certificate it belongs to'
        : undefined,
  },
  SWITCHBOARD_DEV_API_KEY: {
    schema: env
      .string({
        pattern: /^[\x21-\x7e]{16,}$/,
        patternMessage: 'must be at least 16 printable characters, no spaces',
      })
      .optional(),
    description: 'Development API key made active at start-up (only its sha256 is stored); unset for none',
    sensitive: true,
  },
  OPERATOR_API_KEYS: {
    schema: env
      .list(
        env.string({
          pattern: /^sbop_[A-Za-z0-9_-]{32,}$/,
          patternMessage: 'each key must be sbop_ and at least 32 letters, digits, _ or -',
        }),
      )
      .optional(),
    description:
      'Platform operators’ keys, comma-separated (several let a key be rotated): they open /v1/operator/* (dead letters of every tenant) and no tenant route. Unset: those routes answer 503',
    sensitive: true,
    example: 'sbop_<32 random bytes, base64url>',
  },
  SWITCHBOARD_DEV_TENANT: {
    schema: env.string({
      default: 'dev',
      pattern: /^[a-zA-Z0-9_-]{1,64}$/,
      patternMessage: 'must be 1-64 letters, digits, _ or -',
    }),
    description: 'Tenant the development API key belongs to',
    sensitive: false,
  },
  ANALYTICS_URL: {
    schema: env.url({ protocols: ['http', 'https'], default: 'http://127.0.0.1:3105' }),
    description: 'Base URL of the analytics service, asked for message status and timelines',
    sensitive: false,
  },
  TEMPLATE_URL: {
    schema: env.url({ protocols: ['http', 'https'], default: 'http://127.0.0.1:3103' }),
    description: 'Base URL of the template service, to which template management is forwarded',
    sensitive: false,
  },
  INGEST_URL: {
    schema: env.url({ protocols: ['http', 'https'], default: 'http://127.0.0.1:3101' }),
    description: 'Base URL of the ingest service, to which trigger management is forwarded',
    sensitive: false,
  },
  ROUTER_URL: {
    schema: env.url({ protocols: ['http', 'https'], default: 'http://127.0.0.1:3102' }),
    description: 'Base URL of the router service, to which suppressions are forwarded',
    sensitive: false,
  },
  SENDER_INAPP_URL: {
    schema: env.url({ protocols: ['http', 'https'] }).optional(),
    description:
      'Base URL of the in-app sender, asked for a person’s inbox in their export; set it wherever sender-inapp runs. Unset: exports say their inbox was not asked',
    sensitive: false,
  },
  SERVICE_TOKEN_SECRETS: serviceVariables.SERVICE_TOKEN_SECRETS,
  INTERNAL_HTTP_TIMEOUT: {
    schema: env.duration('5s'),
    description: 'Deadline of a call to another service’s internal API (then 503)',
    sensitive: false,
  },
  ACCEPT_RECORD_TIMEOUT: {
    schema: env.duration('5s'),
    description:
      'How long a request waits for the database to record its messages as accepted before answering 503',
    sensitive: false,
  },
  AUDIT_RECORD_TIMEOUT: {
    schema: env.duration('5s'),
    description:
      'How long a state-changing request waits for the database to record it in the audit log before answering 503',
    sensitive: false,
  },
  PUBLISH_TIMEOUT: {
    schema: env.duration('10s'),
    description: 'How long a request waits for Kafka to acknowledge its messages before answering 503',
    sensitive: false,
  },
  MAX_BODY_BYTES: {
    schema: env.int({ min: 1024, default: 256 * 1024 }),
    description: 'Largest request body accepted (413 above), except on the batch route',
    sensitive: false,
  },
  MAX_BATCH_BODY_BYTES: {
    schema: env.int({ min: 1024, default: 4 * 1024 * 1024 }),
    description: 'Largest body of POST /v1/messages/batch, which takes up to 1,000 messages',
    sensitive: false,
  },
  // Idempotency records keep a keyed fingerprint of the request (BLIND_INDEX_KEY) and the answer
  // encrypted with the tenant's data key, and the addresses and content of the requests published
  // are sealed: ENCRYPTION_MASTER_KEYS (or KMS) and BLIND_INDEX_KEY are required.
  ...encryptionVariables,
  IDEMPOTENCY_TTL: {
    schema: env.duration('24h'),
    description: 'How long an Idempotency-Key and its answer are kept',
    sensitive: false,
  },
  IDEMPOTENCY_WAIT_TIMEOUT: {
    schema: env.duration('10s'),
    description: 'How long a duplicate request waits for the first one to finish (then 409)',
    sensitive: false,
  },
  ACCEPTED_MESSAGE_RETENTION: {
    schema: env.duration('7d'),
    description: 'How long accepted message ids are kept to answer status lookups before analytics has them',
    sensitive: false,
  },
  INBOX_TOKEN_SECRETS: {
    schema: env
      .list(
        z
          .string()
          .refine(
            (secret) => Buffer.byteLength(secret, 'utf8') >= MINIMUM_INBOX_TOKEN_SECRET_BYTES,
            `each secret must be at least ${MINIMUM_INBOX_TOKEN_SECRET_BYTES} bytes long`,
          ),
      )
      .optional(),
    description:
      'Recipient token secrets shared with sender-inapp, comma-separated; tokens are signed with the first. Unset: no inbox tokens are issued',
    sensitive: true,
  },
  LINK_SIGNING_KEYS: {
    schema: linkKeyringSchema.optional(),
    description:
      'Keys that check the unsubscribe and preference page links in emails, keyId:secret comma-separated (secret hex or base64url, at least 32 bytes; the first signs), the same as the router’s. Unset: those pages answer 404',
    sensitive: true,
    example: '2026a:<32 random bytes, base64url>',
  },
  API_KEY_CACHE_TTL: {
    schema: env.duration('30s'),
    description: 'How long a verified API key is cached; a revoked key keeps working at most this long',
    sensitive: false,
  },
  REQUEST_RATE_PER_KEY: {
    schema: env.int({ min: 1, max: 1_000_000, default: 100 }),
    description:
      'Requests per second one API key may make, across every gateway replica (429 above; a batch of up to 1,000 messages is one request)',
    sensitive: false,
  },
  REQUEST_BURST_PER_KEY: {
    schema: env.int({ min: 1, max: 1_000_000, default: 200 }),
    description: 'Requests one API key may make at once after a quiet time, across every gateway replica',
    sensitive: false,
  },
  REQUEST_RATE_PER_TENANT: {
    schema: env.int({ min: 1, max: 1_000_000, default: 300 }),
    description:
      'Requests per second all the API keys of one tenant may make together, across every gateway replica (429 above)',
    sensitive: false,
  },
  REQUEST_BURST_PER_TENANT: {
    schema: env.int({ min: 1, max: 1_000_000, default: 600 }),
    description:
      'Requests all the keys of one tenant may make at once after a quiet time, across every replica',
    sensitive: false,
  },
  SES_RECEIPT_TOPIC_ARNS: {
    schema: env
      .list(
        env.string({
          pattern: /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/,
          patternMessage: 'must be an SNS topic ARN, e.g. arn:aws:sns:eu-west-1:123456789012:ses-receipts',
        }),
      )
      .optional(),
    description:
      'SNS topics whose SES receipts POST /v1/receipts/ses accepts, comma-separated ARNs; unset: every message is refused',
    sensitive: false,
    example: 'arn:aws:sns:eu-west-1:123456789012:ses-receipts',
  },
  SNS_HTTP_TIMEOUT: {
    schema: env.duration('5s'),
    description: 'Deadline of fetching an SNS signing certificate or confirming an SNS subscription',
    sensitive: false,
  },
  SNS_TRUSTED_SIGNING_CERTIFICATE_PEM: {
    schema: env
      .string({
        pattern: /^\s*-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----\s*$/,
        patternMessage: 'must be one PEM certificate (-----BEGIN CERTIFICATE----- ...)',
      })
      .optional(),
    description:
      'SANDBOX AND TESTS ONLY, never in production: SNS messages are checked against this certificate instead of one fetched from the SNS host (URL rules still apply)',
    sensitive: false,
  },
  SMS_REPLY_TOPICS: {
    schema: env
      .list(
        z
          .string()
          .regex(
            /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}=[a-zA-Z0-9_-]{1,64}$/,
            'must be <SNS topic ARN>=<tenant id>, e.g. arn:aws:sns:eu-west-1:123456789012:sms-replies=acme',
          )
          .transform((entry) => {
            const separator = entry.lastIndexOf('=');
            return { topicArn: entry.slice(0, separator), tenantId: entry.slice(separator + 1) };
          }),
      )
      .refine(
        (topics) => new Set(topics.map(({ topicArn }) => topicArn)).size === topics.length,
        'must name each topic once: a topic belongs to one tenant',
      )
      .optional(),
    description:
      'Two-way SMS topics whose inbound replies (STOP, START...) POST /v1/sms-replies accepts, each with the tenant its numbers belong to, <topicArn>=<tenantId> comma-separated. Unset: that route answers 404',
    sensitive: false,
    example: 'arn:aws:sns:eu-west-1:123456789012:sms-replies=acme',
  },
});

export type GatewayConfig = ReturnType<typeof loadGatewayConfig>;

/** The token the validated config is injected by: `@Inject(GATEWAY_CONFIG) config: GatewayConfig`. */
export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');

/** Loads the config and also checks what no single variable shows. */
export function loadGatewayConfig(environment: Environment = process.env) {
  const config = loadConfig(gatewayConfigSpec, environment);
  const developmentKey = config.SWITCHBOARD_DEV_API_KEY;
  if (developmentKey !== undefined && config.OPERATOR_API_KEYS?.includes(developmentKey)) {
    throw new ConfigError([
      {
        variable: 'OPERATOR_API_KEYS',
        problem: 'must not repeat SWITCHBOARD_DEV_API_KEY: an operator key is never a tenant’s API key',
      },
    ]);
  }
  return config;
}

/** What the operator commands in src/cli read: they only open the gateway's database. */
export const operatorCommandConfigSpec = defineConfig({
  DATABASE_URL: commonVariables.DATABASE_URL,
});

export type OperatorCommandConfig = ReturnType<typeof loadOperatorCommandConfig>;

export function loadOperatorCommandConfig(environment: Environment = process.env) {
  return loadConfig(operatorCommandConfigSpec, environment);
}
