import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { EncryptionError } from './encryption-error';

/** Every encrypted value starts with this, so it fits a text column, a jsonb string or a Kafka JSON field. */
export const CIPHERTEXT_PREFIX = 'sbenc:v1:';

export const DATA_KEY_BYTES = 32;
export const NONCE_BYTES = 12;
export const TAG_BYTES = 16;

// Data key ids are generated here (base64url of 16 random bytes); the pattern also keeps a `:`
// out of the id so that the encoding stays unambiguous.
export const DATA_KEY_ID = /^[A-Za-z0-9_-]{1,64}$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** A data key in memory: its id (written into every value it encrypts) and its 32 secret bytes. */
export interface DataKeyMaterial {
  keyId: string;
  material: Buffer;
}

/** Where a value lives: the associated data binds the ciphertext to it, so a moved value fails. */
export interface ValueContext {
  tenantId: string;
  /** The person the value is about; absent for tenant-wide values. */
  recipientId?: string;
  /** The column or field path, e.g. `email` or `recipient.phone`. */
  field: string;
}

export interface ParsedCiphertext {
  keyId: string;
  nonce: Buffer;
  sealed: Buffer;
  tag: Buffer;
}

/**
 * The associated data of a value: the data key id, tenant, recipient and field, JSON-encoded so
 * that no two different contexts give the same bytes (`a:b` + `c` vs `a` + `b:c`).
 */
export function associatedData(keyId: string, context: ValueContext): Buffer {
  return Buffer.from(
    JSON.stringify(['sbenc:v1', keyId, context.tenantId, context.recipientId ?? null, context.field]),
    'utf8',
  );
}

/** AES-256-GCM with a fresh random 96-bit nonce; `sbenc:v1:<key id>:<base64url nonce|ciphertext|tag>`. */
export function sealBytes(key: DataKeyMaterial, plaintext: Buffer, aad: Buffer): string {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key.material, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const sealed = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  const body = Buffer.concat([nonce, sealed, cipher.getAuthTag()]).toString('base64url');
  return `${CIPHERTEXT_PREFIX}${key.keyId}:${body}`;
}

/** True for text that has the shape of a value this library encrypted (it may still fail to open). */
export function isEncrypted(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith(CIPHERTEXT_PREFIX);
}

export function parseCiphertext(text: string): ParsedCiphertext {
  if (!isEncrypted(text)) {
    throw new EncryptionError('MALFORMED_CIPHERTEXT', `the value does not start with ${CIPHERTEXT_PREFIX}`);
  }
  const rest = text.slice(CIPHERTEXT_PREFIX.length);
  const separator = rest.indexOf(':');
  const keyId = separator < 0 ? '' : rest.slice(0, separator);
  const body = separator < 0 ? '' : rest.slice(separator + 1);
  if (!DATA_KEY_ID.test(keyId) || !BASE64URL.test(body)) {
    throw new EncryptionError('MALFORMED_CIPHERTEXT', 'the value is not sbenc:v1:<key id>:<base64url>');
  }
  const bytes = Buffer.from(body, 'base64url');
  if (bytes.length < NONCE_BYTES + TAG_BYTES) {
    throw new EncryptionError('MALFORMED_CIPHERTEXT', 'the value is too short to hold a nonce and a tag');
  }
  return {
    keyId,
    nonce: bytes.subarray(0, NONCE_BYTES),
    sealed: bytes.subarray(NONCE_BYTES, bytes.length - TAG_BYTES),
    tag: bytes.subarray(bytes.length - TAG_BYTES),
  };
}

/** Opens a parsed value with its data key; any change to ciphertext, nonce, tag or context fails. */
export function openBytes(material: Buffer, parsed: ParsedCiphertext, aad: Buffer): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', material, parsed.nonce, { authTagLength: TAG_BYTES });
  decipher.setAAD(aad);
  decipher.setAuthTag(parsed.tag);
  try {
    return Buffer.concat([decipher.update(parsed.sealed), decipher.final()]);
  } catch (error) {
    throw new EncryptionError(
      'DECRYPTION_FAILED',
      `the value of data key ${parsed.keyId} did not authenticate: changed, or moved from another tenant, recipient or field`,
      [],
      { cause: error },
    );
  }
}

// The first plaintext byte says how to read the rest, so a string field comes back a string and
// an object (recipient attributes, message data) comes back an object.
const TEXT_KIND = 0x74; // 't'
const JSON_KIND = 0x6a; // 'j'

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export function encodeValue(value: JsonValue): Buffer {
  if (typeof value === 'string') return Buffer.concat([Buffer.of(TEXT_KIND), Buffer.from(value, 'utf8')]);
  return Buffer.concat([Buffer.of(JSON_KIND), Buffer.from(JSON.stringify(value), 'utf8')]);
}

export function decodeValue(bytes: Buffer, keyId: string): JsonValue {
  const body = bytes.subarray(1).toString('utf8');
  if (bytes[0] === TEXT_KIND) return body;
  if (bytes[0] === JSON_KIND) return JSON.parse(body) as JsonValue;
  throw new EncryptionError('MALFORMED_CIPHERTEXT', `the value of data key ${keyId} has an unknown kind`);
}

/** Encrypts one value for its context with a data key already in memory. */
export function encryptWithKey(key: DataKeyMaterial, value: JsonValue, context: ValueContext): string {
  return sealBytes(key, encodeValue(value), associatedData(key.keyId, context));
}

/** Decrypts one value with the data key its text names; the caller has looked that key up. */
export function decryptWithKey(material: Buffer, parsed: ParsedCiphertext, context: ValueContext): JsonValue {
  return decodeValue(openBytes(material, parsed, associatedData(parsed.keyId, context)), parsed.keyId);
}
