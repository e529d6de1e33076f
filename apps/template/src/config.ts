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

export const templateConfigSpec = defineConfig({
  ...commonVariables,
  PORT: { ...commonVariables.PORT, schema: env.port(3103) },
  DATABASE_POOL_SIZE: serviceVariables.DATABASE_POOL_SIZE,
  SERVICE_TOKEN_SECRETS: serviceVariables.SERVICE_TOKEN_SECRETS,
  // Render requests and the dispatches rendered from them carry addresses and content, sealed on
  // Kafka with each recipient's data key: ENCRYPTION_MASTER_KEYS (or KMS) and BLIND_INDEX_KEY are required.
  ...encryptionVariables,
  TEMPLATE_PARTITIONS_CONCURRENCY: {
    schema: env.int({ min: 1, max: 64, default: 3 }),
    description: 'Partitions of render requests rendered at the same time',
    sensitive: false,
  },
  TEMPLATE_MAX_ATTEMPTS: {
    schema: env.int({ min: 1, max: 100, default: 5 }),
    description: 'Tries at a batch of render requests before it is dead-lettered',
    sensitive: false,
  },
  TEMPLATE_VERSION_CACHE_TTL: {
    schema: env.duration('5s'),
    description: "How long a template's version list is reused before a newer version is looked for",
    sensitive: false,
  },
});

export type TemplateConfig = ConfigOf<typeof templateConfigSpec>;

/** The token the validated config is injected by: `@Inject(TEMPLATE_CONFIG) config: TemplateConfig`. */
export const TEMPLATE_CONFIG = Symbol('TEMPLATE_CONFIG');

export function loadTemplateConfig(environment?: Environment): TemplateConfig {
  return loadConfig(templateConfigSpec, environment);
}
