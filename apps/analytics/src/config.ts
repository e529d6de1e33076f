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

export const analyticsConfigSpec = defineConfig({
  ...commonVariables,
  PORT: { ...commonVariables.PORT, schema: env.port(3105) },
  DATABASE_POOL_SIZE: serviceVariables.DATABASE_POOL_SIZE,
  SERVICE_TOKEN_SECRETS: serviceVariables.SERVICE_TOKEN_SECRETS,
  ...retentionVariables,
  // Dead letters keep records as written, personal fields sealed: shown to their tenant (and in a
  // person's export) opened, which needs the keys (ENCRYPTION_MASTER_KEYS or KMS, BLIND_INDEX_KEY).
  ...encryptionVariables,
  ANALYTICS_PARTITIONS_CONCURRENCY: {
    schema: env.int({ min: 1, max: 64, default: 3 }),
    description: 'Partitions of delivery events stored at the same time',
    sensitive: false,
  },
  ANALYTICS_MAX_ATTEMPTS: {
    schema: env.int({ min: 1, max: 100, default: 5 }),
    description: 'Tries at storing a batch of delivery events before it is dead-lettered',
    sensitive: false,
  },
});

export type AnalyticsConfig = ConfigOf<typeof analyticsConfigSpec>;

/** The token the validated config is injected by: `@Inject(ANALYTICS_CONFIG) config: AnalyticsConfig`. */
export const ANALYTICS_CONFIG = Symbol('ANALYTICS_CONFIG');

export function loadAnalyticsConfig(environment?: Environment): AnalyticsConfig {
  return loadConfig(analyticsConfigSpec, environment);
}
