import { contractFor, type TopicName } from '@switchboard/contracts';
import type { PayloadCipher } from '@switchboard/messaging';
import { Pool } from 'pg';
import { createEncryption, type Encryption } from './create-encryption';
import { ensureEncryptionKeyTables } from './key-tables';
import { parseBlindIndexSecret, parseMasterKeyring } from './master-keys';
import { PayloadEncryption } from './payload-encryption';

/** Sealed Kafka payloads opened outside a service: the cipher the services use, on their key tables. */
export interface StandalonePayloadCipher {
  cipher: PayloadCipher;
  /** The encryptor, keys and blind index behind it (to destroy a recipient's key, as erasure does). */
  encryption: Encryption;
  /** The payload of a record of `topic` with its personal fields opened; throws when it cannot be. */
  open<T>(topic: string, payload: unknown): Promise<T>;
  close(): Promise<void>;
}

/**
 * Opens (and seals) payloads as the services do, for a tool or a test that reads topics: the key
 * tables of `databaseUrl`'s shared encryption schema, under the services' encryption variables
 * (local master keys only).
 */
export async function connectPayloadCipher(
  databaseUrl: string,
  variables: Readonly<Record<'ENCRYPTION_MASTER_KEYS' | 'BLIND_INDEX_KEY', string>>,
): Promise<StandalonePayloadCipher> {
  const pool = new Pool({ connectionString: databaseUrl, max: 2 });
  // A database dropped (at the end of a test) ends idle connections; that is not a failure.
  pool.on('error', () => undefined);
  const query = async (sql: string, params?: unknown[]) => (await pool.query(sql, params)).rows;
  await ensureEncryptionKeyTables(query);
  const encryption = createEncryption(
    {
      ENCRYPTION_KEY_PROVIDER: 'local',
      ENCRYPTION_MASTER_KEYS: parseMasterKeyring(variables.ENCRYPTION_MASTER_KEYS),
      BLIND_INDEX_KEY: parseBlindIndexSecret(variables.BLIND_INDEX_KEY),
      ENCRYPTION_KEY_CACHE_TTL: 60_000,
    },
    { query },
  );
  const cipher = new PayloadEncryption(encryption.encryptor);
  return {
    cipher,
    encryption,
    async open<T>(topic: string, payload: unknown): Promise<T> {
      const personalData = contractFor(topic as TopicName)?.personalData;
      if (!personalData) return payload as T;
      const [opened] = await cipher.open(personalData as never, [payload]);
      if (!opened.ok)
        throw new Error(`a ${topic} payload cannot be opened: ${opened.reason}: ${opened.detail}`);
      return opened.payload as T;
    },
    close: () => pool.end(),
  };
}
