import { commonVariables, defineConfig, env, loadConfig, serviceVariables } from '@switchboard/config';
import { encryptionVariables } from '@switchboard/encryption';
import { retentionVariables } from '@switchboard/persistence';
import {
  ANY_TENANT,
  BINDING_FORMAT,
  bindingsByTopic,
  UpstreamTopicBindingEntry,
} from './upstream/upstream-topic-bindings';

export const ingestConfigSpec = defineConfig({
  ...commonVariables,
  PORT: { ...commonVariables.PORT, schema: env.port(3101) },
  HOST: { ...commonVariables.HOST, description: 'Address the internal API listens on' },
  SERVICE_TOKEN_SECRETS: serviceVariables.SERVICE_TOKEN_SECRETS,
  // Stored messages' recipient addresses and content are encrypted: ENCRYPTION_MASTER_KEYS (or KMS)
  // and BLIND_INDEX_KEY are required, the same as on every other service.
  ...encryptionVariables,
  ...retentionVariables,
  INGEST_UPSTREAM_TOPICS: {
    schema: env.list(UpstreamTopicBindingEntry).transform(bindingsByTopic).optional(),
    description:
      `Comma-separated upstream topics whose events can become messages (created at start if missing), ` +
      `each bound to the tenants its events may name: ${BINDING_FORMAT}, ${ANY_TENANT} only where one ` +
      `installation serves one tenant; an event naming another tenant ` +
      `is dead-lettered (tenant-not-allowed). Unset for none`,
    example: 'shop.orders:acme|acme-eu,billing.events:acme',
  },
  INGEST_UPSTREAM_TOPIC_PARTITIONS: {
    schema: env.int({ min: 1, default: 6 }),
    description: 'Partitions of an upstream topic ingest has to create',
  },
  INGEST_CONSUMER_CONCURRENCY: {
    schema: env.int({ min: 1, default: 3 }),
    description: 'Partitions processed at the same time',
  },
  INGEST_UPSTREAM_CONCURRENCY: {
    schema: env.int({ min: 1, default: 50 }),
    description: 'Upstream events of one partition handled at once (they share one database write)',
  },
  INGEST_MAX_ATTEMPTS: {
    schema: env.int({ min: 1, default: 5 }),
    description: 'Attempts at an event before it is dead-lettered',
  },
  INGEST_TRIGGER_CACHE_TTL: {
    schema: env.duration('5s'),
    description:
      'How long triggers are cached; a trigger created on another replica applies after at most this',
  },
});

export type IngestConfig = ReturnType<typeof loadIngestConfig>;

/** The token the validated config is injected by: `@Inject(INGEST_CONFIG) config: IngestConfig`. */
export const INGEST_CONFIG = Symbol('INGEST_CONFIG');

export function loadIngestConfig(source: Record<string, string | undefined> = process.env) {
  return loadConfig(ingestConfigSpec, source);
}
