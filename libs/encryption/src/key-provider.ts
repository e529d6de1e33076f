import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { DATA_KEY_BYTES, NONCE_BYTES, TAG_BYTES } from './envelope';
import { EncryptionError } from './encryption-error';
import type { MasterKeyring } from './master-keys';

/** A data key as stored: which master key wrapped it, and the wrapped bytes. */
export interface WrappedDataKey {
  masterKeyId: string;
  wrappedKey: Buffer;
}

/**
 * Wraps and unwraps data keys with master keys (key-encryption keys) the provider holds. The data
 * key id is bound to the wrapped bytes, so a wrapped key copied onto another key's row fails.
 */
export interface KeyProvider {
  /** The master key that wraps new data keys and that rotation re-wraps to. */
  readonly wrappingKeyId: string;
  generateDataKey(dataKeyId: string): Promise<{ material: Buffer; wrapped: WrappedDataKey }>;
  wrapDataKey(material: Buffer, dataKeyId: string): Promise<WrappedDataKey>;
  unwrapDataKey(wrapped: WrappedDataKey, dataKeyId: string): Promise<Buffer>;
}

/**
 * Master keys from configuration (`ENCRYPTION_MASTER_KEYS`). Each configured secret is stretched
 * by HKDF into the AES-256-GCM key that wraps data keys, so a longer secret is fine and the same
 * secret is never used as is for two purposes.
 */
export class LocalKeyProvider implements KeyProvider {
  readonly wrappingKeyId: string;
  private readonly wrappingKeys: Map<string, Buffer>;

  constructor(keyring: MasterKeyring) {
    if (keyring.keys.length === 0) {
      throw new EncryptionError('INVALID_CONFIG', 'master keys: at least one is needed', [
        { field: 'keys', problem: 'must list at least one master key' },
      ]);
    }
    this.wrappingKeyId = keyring.keys[0].id;
    this.wrappingKeys = new Map(
      keyring.keys.map(({ id, secret }) => [
        id,
        Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), 'switchboard data key wrapping v1', 32)),
      ]),
    );
  }

  async generateDataKey(dataKeyId: string): Promise<{ material: Buffer; wrapped: WrappedDataKey }> {
    const material = randomBytes(DATA_KEY_BYTES);
    return { material, wrapped: await this.wrapDataKey(material, dataKeyId) };
  }

  async wrapDataKey(material: Buffer, dataKeyId: string): Promise<WrappedDataKey> {
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.wrappingKey(this.wrappingKeyId, dataKeyId), nonce);
    cipher.setAAD(wrapAssociatedData(this.wrappingKeyId, dataKeyId));
    const sealed = Buffer.concat([cipher.update(material), cipher.final()]);
    return {
      masterKeyId: this.wrappingKeyId,
      wrappedKey: Buffer.concat([nonce, sealed, cipher.getAuthTag()]),
    };
  }

  async unwrapDataKey(wrapped: WrappedDataKey, dataKeyId: string): Promise<Buffer> {
    const bytes = wrapped.wrappedKey;
    if (bytes.length !== NONCE_BYTES + DATA_KEY_BYTES + TAG_BYTES) {
      throw new EncryptionError(
        'DECRYPTION_FAILED',
        `the wrapped data key ${dataKeyId} has the wrong length`,
      );
    }
    const decipher = createDecipheriv(
      'aes-256-gcm',
      this.wrappingKey(wrapped.masterKeyId, dataKeyId),
      bytes.subarray(0, NONCE_BYTES),
    );
    decipher.setAAD(wrapAssociatedData(wrapped.masterKeyId, dataKeyId));
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
    try {
      return Buffer.concat([
        decipher.update(bytes.subarray(NONCE_BYTES, bytes.length - TAG_BYTES)),
        decipher.final(),
      ]);
    } catch (error) {
      throw new EncryptionError(
        'DECRYPTION_FAILED',
        `the data key ${dataKeyId} did not unwrap with master key ${wrapped.masterKeyId}: changed, or copied from another key`,
        [],
        { cause: error },
      );
    }
  }

  private wrappingKey(masterKeyId: string, dataKeyId: string): Buffer {
    const key = this.wrappingKeys.get(masterKeyId);
    if (key === undefined) {
      throw new EncryptionError(
        'UNKNOWN_MASTER_KEY',
        `the data key ${dataKeyId} is wrapped by master key ${masterKeyId}, which ENCRYPTION_MASTER_KEYS does not list; ` +
          'keep a retired master key configured until rotation has re-wrapped every data key',
      );
    }
    return key;
  }
}

function wrapAssociatedData(masterKeyId: string, dataKeyId: string): Buffer {
  return Buffer.from(JSON.stringify(['sbkey:v1', masterKeyId, dataKeyId]), 'utf8');
}
