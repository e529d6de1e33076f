import {
  commonVariables,
  defineConfig,
  env,
  loadConfig,
  serviceVariables,
  type ConfigOf,
  type Environment,
} from '@switchboard/config';
import { encryptionVariables } from '@switchboard/encryption';
import { retentionVariables } from '@switchboard/persistence';
import { z } from 'zod';

const MINIMUM_SECRET_BYTES = 32;

/**
 * The recipient token secrets, comma-separated: tokens signed with any of them are accepted, so a
 * rotation lists the new secret and the old one until the old tokens have expired.
 */
export const inboxTokenSecrets = env.list(
  z
    .string()
    .refine(
      (secret) => Buffer.byteLength(secret, 'utf8') >= MINIMUM_SECRET_BYTES,
      `each secret must be at least ${MINIMUM_SECRET_BYTES} bytes long`,
    ),
);

export const senderInappConfigSpec = defineConfig({
  ...commonVariables,
  PORT: {
    ...commonVariables.PORT,
    schema: env.port(3108),
    description: 'HTTP port of the end-user inbox API, its live stream and the health endpoints',
  },
  HOST: {
    ...commonVariables.HOST,
    description: 'Address the inbox API listens on (0.0.0.0 for every interface)',
  },
  DATABASE_POOL_SIZE: serviceVariables.DATABASE_POOL_SIZE,
  // Optional here: the only internal route is a person's export; unset, it refuses every caller.
  SERVICE_TOKEN_SECRETS: {
    ...serviceVariables.SERVICE_TOKEN_SECRETS,
    schema: serviceVariables.SERVICE_TOKEN_SECRETS.schema.optional(),
    description: `${serviceVariables.SERVICE_TOKEN_SECRETS.description}; unset: the internal export route refuses every caller`,
  },
  ...retentionVariables,
  // Inbox items (title, body, action URL, data) are encrypted with each recipient's data key, as
  // the dispatches consumed are: ENCRYPTION_MASTER_KEYS (or KMS) and BLIND_INDEX_KEY are required.
  ...encryptionVariables,
  INBOX_TOKEN_SECRETS: {
    schema: inboxTokenSecrets,
    description:
      'Secrets that verify recipient tokens, comma-separated, each at least 32 bytes; the gateway signs with the first',
    sensitive: true,
  },
  INBOX_CORS_ORIGINS: {
    schema: env.list(
      z.union([z.literal('*'), z.url({ error: 'must be an origin such as https://app.example.com' })]),
      '*',
    ),
    description: 'Browser origins allowed to call the inbox API, comma-separated (* for any)',
    sensitive: false,
    example: 'https://app.example.com,https://admin.example.com',
  },
  INBOX_STREAM_HEARTBEAT: {
    schema: env.duration('15s'),
    description: 'Interval of the comment lines that keep an idle live stream open through proxies',
    sensitive: false,
  },
  INBOX_LISTEN_NOTIFY: {
    schema: env.boolean(true),
    description:
      'Announce new items to the other replicas through PostgreSQL LISTEN/NOTIFY (off: only clients of the storing replica hear of them at once)',
    sensitive: false,
  },
  INAPP_MAX_ATTEMPTS: {
    schema: env.int({ min: 1, max: 100, default: 5 }),
    description: 'Tries at storing a batch of inbox items before its dispatches are dead-lettered',
    sensitive: false,
  },
});

export type SenderInappConfig = ConfigOf<typeof senderInappConfigSpec>;

/** The token the validated config is injected by: `@Inject(SENDER_INAPP_CONFIG) config: SenderInappConfig`. */
export const SENDER_INAPP_CONFIG = Symbol('SENDER_INAPP_CONFIG');

export function loadSenderInappConfig(environment?: Environment): SenderInappConfig {
  return loadConfig(senderInappConfigSpec, environment);
}
