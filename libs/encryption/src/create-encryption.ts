import { KMSClient } from '@aws-sdk/client-kms';
import { BlindIndex } from './blind-index';
import { DataKeyStore } from './data-key-store';
import { EncryptionError } from './encryption-error';
import { FieldEncryptor } from './field-encryptor';
import { LocalKeyProvider, type KeyProvider } from './key-provider';
import { DEFAULT_ENCRYPTION_SCHEMA, type SqlQuery } from './key-tables';
import { KmsKeyProvider } from './kms-key-provider';
import type { MasterKeyring } from './master-keys';

/** The parsed encryption variables of an app's config (see encryptionVariables). */
export interface EncryptionConfig {
  ENCRYPTION_KEY_PROVIDER: 'local' | 'aws-kms';
  ENCRYPTION_MASTER_KEYS?: MasterKeyring;
  ENCRYPTION_KMS_KEY_ID?: string;
  ENCRYPTION_KMS_REGION?: string;
  ENCRYPTION_KMS_ENDPOINT?: string;
  BLIND_INDEX_KEY: Buffer;
  ENCRYPTION_KEY_CACHE_TTL: number;
  /** The shared schema of the key tables; `encryption` when unset. */
  ENCRYPTION_SCHEMA?: string;
  /** An app that already declares AWS credentials (the senders) passes them; unset: the SDK's chain. */
  AWS_ACCESS_KEY_ID?: string;
  AWS_SECRET_ACCESS_KEY?: string;
}

// A local emulator checks no signature, but the SDK refuses to sign without some credentials.
const EMULATOR_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

export interface Encryption {
  encryptor: FieldEncryptor;
  keys: DataKeyStore;
  blindIndex: BlindIndex;
  provider: KeyProvider;
}

/**
 * Everything a service needs, from its config and a query function of its database. The key
 * tables are in the shared schema (`ENCRYPTION_SCHEMA`) unless `database.schema` names another;
 * call ensureEncryptionKeyTables at start-up so that they exist.
 */
export function createEncryption(
  config: EncryptionConfig,
  database: { query: SqlQuery; schema?: string },
): Encryption {
  const provider = keyProviderFrom(config);
  const blindIndex = new BlindIndex(config.BLIND_INDEX_KEY);
  const keys = new DataKeyStore({
    query: database.query,
    schema: database.schema ?? config.ENCRYPTION_SCHEMA ?? DEFAULT_ENCRYPTION_SCHEMA,
    provider,
    blindIndex,
    cacheTtlMs: config.ENCRYPTION_KEY_CACHE_TTL,
  });
  return { encryptor: new FieldEncryptor(keys), keys, blindIndex, provider };
}

export function keyProviderFrom(config: EncryptionConfig): KeyProvider {
  if (config.ENCRYPTION_KEY_PROVIDER === 'aws-kms') {
    if (config.ENCRYPTION_KMS_KEY_ID === undefined) throw missing('ENCRYPTION_KMS_KEY_ID');
    const explicit =
      config.AWS_ACCESS_KEY_ID && config.AWS_SECRET_ACCESS_KEY
        ? { accessKeyId: config.AWS_ACCESS_KEY_ID, secretAccessKey: config.AWS_SECRET_ACCESS_KEY }
        : undefined;
    const credentials = explicit ?? (config.ENCRYPTION_KMS_ENDPOINT ? EMULATOR_CREDENTIALS : undefined);
    // The SDK's own retries stay on: an unwrap has no retry topic behind it, and is cached after.
    const client = new KMSClient({
      ...(config.ENCRYPTION_KMS_REGION ? { region: config.ENCRYPTION_KMS_REGION } : {}),
      ...(config.ENCRYPTION_KMS_ENDPOINT ? { endpoint: config.ENCRYPTION_KMS_ENDPOINT } : {}),
      ...(credentials ? { credentials } : {}),
      requestHandler: { connectionTimeout: 5_000, requestTimeout: 10_000 },
    });
    return new KmsKeyProvider({ client, keyId: config.ENCRYPTION_KMS_KEY_ID });
  }
  if (config.ENCRYPTION_MASTER_KEYS === undefined) throw missing('ENCRYPTION_MASTER_KEYS');
  return new LocalKeyProvider(config.ENCRYPTION_MASTER_KEYS);
}

function missing(variable: string): EncryptionError {
  return new EncryptionError('INVALID_CONFIG', `${variable} is not set`, [
    { field: variable, problem: 'is required by the configured key provider' },
  ]);
}
