import { env } from '@switchboard/config';
import { DEFAULT_ENCRYPTION_SCHEMA, schemaNameSchema } from './key-tables';
import { blindIndexSecretSchema, masterKeyringSchema } from './master-keys';

const isSet = (value: unknown) => value !== undefined;

/**
 * The configuration variables of encryption at rest, for an app's config spec to spread in
 * (`...encryptionVariables`), so every service reads the same names with the same rules.
 */
export const encryptionVariables = {
  ENCRYPTION_KEY_PROVIDER: {
    schema: env.oneOf(['local', 'aws-kms'] as const, 'local'),
    description:
      'Who holds the master key that wraps data keys: local (ENCRYPTION_MASTER_KEYS) or aws-kms (ENCRYPTION_KMS_KEY_ID)',
    sensitive: false,
  },
  ENCRYPTION_MASTER_KEYS: {
    schema: masterKeyringSchema.optional(),
    description:
      'Master keys of the local provider, id=base64 comma-separated, each at least 32 random bytes; the first wraps new data keys, all unwrap (keep a retired one listed until rotation has finished)',
    sensitive: true,
    example: '2026a=<openssl rand -base64 32>',
    crossCheck: (config: Readonly<Record<string, unknown>>) =>
      config.ENCRYPTION_KEY_PROVIDER === 'local' && !isSet(config.ENCRYPTION_MASTER_KEYS)
        ? 'is required when ENCRYPTION_KEY_PROVIDER is local'
        : undefined,
  },
  ENCRYPTION_KMS_KEY_ID: {
    schema: env.string().optional(),
    description:
      'The AWS KMS key (id, ARN or alias/...) that wraps new data keys, with ENCRYPTION_KEY_PROVIDER=aws-kms',
    sensitive: false,
    example: 'alias/switchboard-data-keys',
    crossCheck: (config: Readonly<Record<string, unknown>>) =>
      config.ENCRYPTION_KEY_PROVIDER === 'aws-kms' && !isSet(config.ENCRYPTION_KMS_KEY_ID)
        ? 'is required when ENCRYPTION_KEY_PROVIDER is aws-kms'
        : undefined,
  },
  ENCRYPTION_KMS_REGION: {
    schema: env.string().optional(),
    description: 'AWS region of the KMS key; unset: the SDK default (AWS_REGION)',
    sensitive: false,
  },
  ENCRYPTION_KMS_ENDPOINT: {
    schema: env.url({ protocols: ['http', 'https'] }).optional(),
    description:
      'KMS endpoint override (a VPC endpoint, or a local emulator in tests); unset: the public one',
    sensitive: false,
  },
  BLIND_INDEX_KEY: {
    schema: blindIndexSecretSchema,
    description:
      'Secret of the blind indexes (keyed HMAC) that let encrypted addresses be found by equality, base64 of at least 32 random bytes; changing it breaks every index made with it',
    sensitive: true,
    example: '<openssl rand -base64 32>',
  },
  ENCRYPTION_SCHEMA: {
    schema: schemaNameSchema.default(DEFAULT_ENCRYPTION_SCHEMA),
    description:
      'PostgreSQL schema of the data key tables, shared by every service (a value one service encrypts opens in the next; erasing destroys the one key everywhere); each service creates it if missing',
    sensitive: false,
  },
  ENCRYPTION_KEY_CACHE_TTL: {
    schema: env.duration('60s'),
    description:
      'How long an unwrapped data key is kept in memory; also how long another replica may still read a recipient after their key is destroyed',
    sensitive: false,
  },
};
