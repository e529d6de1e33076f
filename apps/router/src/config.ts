import { commonVariables, defineConfig, env, loadConfig, serviceVariables } from '@switchboard/config';
import { encryptionVariables } from '@switchboard/encryption';
import { retentionVariables } from '@switchboard/persistence';
import { linkKeyringSchema } from '@switchboard/security';

export const routerConfigSpec = defineConfig({
  ...commonVariables,
  PORT: { ...commonVariables.PORT, schema: env.port(3102) },
  HOST: { ...commonVariables.HOST, description: 'Address the internal API listens on' },
  SERVICE_TOKEN_SECRETS: serviceVariables.SERVICE_TOKEN_SECRETS,
  // Recipients' contact points are stored encrypted (ENCRYPTION_MASTER_KEYS or KMS), and found by
  // blind index, as the suppressions of erased recipients are kept: BLIND_INDEX_KEY is required.
  ...encryptionVariables,
  ...retentionVariables,
  ROUTER_CONSUMER_CONCURRENCY: {
    schema: env.int({ min: 1, default: 3 }),
    description: 'Partitions processed at the same time',
  },
  ROUTER_MAX_ATTEMPTS: {
    schema: env.int({ min: 1, default: 5 }),
    description: 'Attempts at an event before it is dead-lettered',
  },
  ROUTER_SCHEDULE_POLL_INTERVAL: {
    schema: env.duration('1s'),
    description: 'How often deferred messages that are due are looked for and released',
  },
  ROUTER_SCHEDULE_RELEASE_BATCH: {
    schema: env.int({ min: 1, max: 10_000, default: 500 }),
    description: 'Most deferred messages released in one transaction',
  },
  ROUTER_POLICY_CACHE_TTL: {
    schema: env.duration('5s'),
    description:
      "How long a tenant's message types and sending settings are reused by routing; a change through another replica applies after this",
  },
  ROUTER_RECURRING_POLL_INTERVAL: {
    schema: env.duration('1s'),
    description: 'How often recurring schedules with a run due are looked for and their runs sent',
  },
  ROUTER_PUSH_SANDBOX_ORIGINS: {
    schema: env.list(env.string()).optional(),
    description:
      'SANDBOX ONLY: loopback origins of a local push service (http://127.0.0.1:<port>) accepted as push endpoints, comma-separated; unset: none',
  },
  PUBLIC_BASE_URL: {
    schema: env.url({ protocols: ['http', 'https'], default: 'http://127.0.0.1:3000' }),
    description:
      'Where the gateway is reachable from the internet: unsubscribe and preference page links in emails point there',
    sensitive: false,
  },
  LINK_SIGNING_KEYS: {
    schema: linkKeyringSchema.optional(),
    description:
      'Keys that sign unsubscribe and preference links, keyId:secret comma-separated (secret hex or base64url, at least 32 bytes; the first signs), the same as the gateway’s. Unset: emails carry no List-Unsubscribe headers',
    sensitive: true,
    example: '2026a:<32 random bytes, base64url>',
  },
  ROUTER_PUSH_ENDPOINT_LOOKUP_TIMEOUT: {
    schema: env.duration('3s'),
    description: 'Deadline of resolving a push endpoint host at registration (then the endpoint is refused)',
  },
});

export type RouterConfig = ReturnType<typeof loadRouterConfig>;

/** The token the validated config is injected by: `@Inject(ROUTER_CONFIG) config: RouterConfig`. */
export const ROUTER_CONFIG = Symbol('ROUTER_CONFIG');

export function loadRouterConfig(source: Record<string, string | undefined> = process.env) {
  return loadConfig(routerConfigSpec, source);
}
