import { z } from 'zod';
import type { DataKeySource } from './data-key-store';
import {
  decryptWithKey,
  encryptWithKey,
  isEncrypted,
  parseCiphertext,
  type JsonValue,
  type ValueContext,
} from './envelope';
import { EncryptionError, parseArgument } from './encryption-error';

/** Whose values these are: with a recipient id they use the recipient's key, which erasure destroys. */
export interface EncryptionScope {
  tenantId: string;
  recipientId?: string;
}

/** One value of a batch to encrypt, and where it will be stored. */
export interface ValueToEncrypt {
  value: JsonValue;
  context: ValueContext;
}

/** One stored value of a batch to decrypt, and where it was read from. */
export interface ValueToDecrypt {
  ciphertext: string;
  context: ValueContext;
}

/** A value of a batch read: what it says, or why it cannot be read (it alone, not the batch). */
export type DecryptedValue = { ok: true; value: JsonValue } | { ok: false; error: EncryptionError };

export interface DecryptFieldsOptions {
  /**
   * Pass plaintext through instead of failing, while rows written before encryption was turned on
   * are still being rewritten. Off by default: plaintext where ciphertext belongs is a fault.
   */
  plaintextAllowed?: boolean;
}

const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'constructor', 'prototype']);
const fieldPathSchema = z
  .string()
  .min(1)
  .max(200)
  .refine(
    (path) => path.split('.').every((segment) => segment.length > 0 && !FORBIDDEN_SEGMENTS.has(segment)),
    'must be dot-separated names (`*` for any key or array index), e.g. recipient.email or contactPoints.*.address',
  );
const fieldNameSchema = z.string().min(1).max(200);
const contextSchema = z.strictObject({
  tenantId: z.string().min(1).max(128),
  recipientId: z.string().min(1).max(128).optional(),
  field: fieldNameSchema,
});

/**
 * Encrypts and decrypts personal values for a tenant or recipient: one value at a time (a column)
 * or the personal fields of a JSON object by path (a Kafka payload, a jsonb document). The field
 * name, or the path pattern as written, is part of the associated data, so a ciphertext only
 * opens in the field it was written for.
 */
export class FieldEncryptor {
  constructor(private readonly keys: DataKeySource) {}

  async encrypt(value: JsonValue, context: ValueContext): Promise<string> {
    const valid = parseArgument(contextSchema, context, 'encryption context');
    const key = await this.keys.keyFor(valid.tenantId, valid.recipientId);
    return encryptWithKey(key, value, valid);
  }

  /** Throws KEY_DESTROYED when the owner was erased (see isKeyDestroyed), DECRYPTION_FAILED when moved or changed. */
  async decrypt(ciphertext: string, context: ValueContext): Promise<JsonValue> {
    const valid = parseArgument(contextSchema, context, 'encryption context');
    const parsed = parseCiphertext(ciphertext);
    const key = await this.keys.keyById(parsed.keyId);
    if (key.tenantId !== valid.tenantId) throw otherTenant(parsed.keyId, valid.tenantId);
    return decryptWithKey(key.material, parsed, valid);
  }

  /** Many values at once, each with its context, in the order given: one key lookup for the batch. */
  async encryptMany(values: readonly ValueToEncrypt[]): Promise<string[]> {
    const contexts = values.map(({ context }) => parseArgument(contextSchema, context, 'encryption context'));
    const keys = await this.keys.keysFor(contexts);
    return values.map(({ value }, index) => encryptWithKey(keys[index], value, contexts[index]));
  }

  /**
   * Many stored values at once, in the order given, with one key lookup for the batch (the keys
   * not cached, in one query). A value that cannot be read (erased owner, moved or changed value)
   * answers its error in its place, so the rest of the batch is read all the same.
   */
  async decryptMany(values: readonly ValueToDecrypt[]): Promise<DecryptedValue[]> {
    const parsed = values.map(({ ciphertext, context }) => {
      try {
        return {
          ok: true as const,
          context: parseArgument(contextSchema, context, 'encryption context'),
          ciphertext: parseCiphertext(ciphertext),
        };
      } catch (error) {
        if (error instanceof EncryptionError) return { ok: false as const, error };
        throw error;
      }
    });
    const keyIds = parsed.flatMap((item) => (item.ok ? [item.ciphertext.keyId] : []));
    const keys = keyIds.length > 0 ? await this.keys.keysByIds(keyIds) : new Map();
    return parsed.map((item): DecryptedValue => {
      if (!item.ok) return item;
      const key = keys.get(item.ciphertext.keyId);
      if (key === undefined || key instanceof EncryptionError) {
        return {
          ok: false,
          error:
            key ?? new EncryptionError('UNKNOWN_DATA_KEY', `no data key ${item.ciphertext.keyId} was found`),
        };
      }
      if (key.tenantId !== item.context.tenantId) {
        return { ok: false, error: otherTenant(item.ciphertext.keyId, item.context.tenantId) };
      }
      try {
        return { ok: true, value: decryptWithKey(key.material, item.ciphertext, item.context) };
      } catch (error) {
        if (error instanceof EncryptionError) return { ok: false, error };
        throw error;
      }
    });
  }

  async encryptText(text: string, context: ValueContext): Promise<string> {
    return this.encrypt(text, context);
  }

  async decryptText(ciphertext: string, context: ValueContext): Promise<string> {
    const value = await this.decrypt(ciphertext, context);
    if (typeof value !== 'string') {
      throw new EncryptionError('MALFORMED_CIPHERTEXT', `the field ${context.field} holds JSON, not text`);
    }
    return value;
  }

  /**
   * A copy of `document` whose values at `paths` are encrypted (each becomes a `sbenc:v1:` string);
   * absent and null values stay as they are. `*` in a path matches every key or array element.
   * The result keeps the type `T` for the caller's convenience, though the fields at `paths` now
   * hold strings: encrypt just before writing or publishing, decrypt just after reading.
   */
  async encryptFields<T>(document: T, paths: readonly string[], scope: EncryptionScope): Promise<T> {
    const validPaths = paths.map((path) => parseArgument(fieldPathSchema, path, 'field path'));
    const key = await this.keys.keyFor(scope.tenantId, scope.recipientId);
    let result: unknown = document;
    for (const path of validPaths) {
      const context = parseArgument(contextSchema, { ...scope, field: path }, 'encryption context');
      result = await mapPath(result, path.split('.'), async (value) =>
        encryptWithKey(key, value as JsonValue, context),
      );
    }
    return result as T;
  }

  /** The reverse of encryptFields, for the same paths and scope. */
  async decryptFields<T>(
    document: T,
    paths: readonly string[],
    scope: EncryptionScope,
    options: DecryptFieldsOptions = {},
  ): Promise<T> {
    const validPaths = paths.map((path) => parseArgument(fieldPathSchema, path, 'field path'));
    let result: unknown = document;
    for (const path of validPaths) {
      result = await mapPath(result, path.split('.'), async (value) => {
        if (!isEncrypted(value)) {
          if (options.plaintextAllowed) return value;
          throw new EncryptionError('MALFORMED_CIPHERTEXT', `the field ${path} is not encrypted`);
        }
        return this.decrypt(value, { ...scope, field: path });
      });
    }
    return result as T;
  }
}

function otherTenant(keyId: string, tenantId: string): EncryptionError {
  return new EncryptionError(
    'DECRYPTION_FAILED',
    `the value of data key ${keyId} belongs to another tenant than ${tenantId}`,
  );
}

/** Copies along the path only, so the caller's object is never changed and the rest is shared. */
async function mapPath(
  node: unknown,
  segments: string[],
  transform: (value: unknown) => Promise<unknown>,
): Promise<unknown> {
  if (segments.length === 0) return node === null || node === undefined ? node : transform(node);
  if (node === null || typeof node !== 'object') return node;
  const [segment, ...rest] = segments;
  if (Array.isArray(node)) {
    if (segment === '*') return Promise.all(node.map((item) => mapPath(item, rest, transform)));
    const index = Number(segment);
    if (!Number.isInteger(index) || index < 0 || index >= node.length) return node;
    const copy = [...node];
    copy[index] = await mapPath(node[index], rest, transform);
    return copy;
  }
  const record = node as Record<string, unknown>;
  const copy: Record<string, unknown> = { ...record };
  const names = segment === '*' ? Object.keys(record) : Object.hasOwn(record, segment) ? [segment] : [];
  for (const name of names) copy[name] = await mapPath(record[name], rest, transform);
  return copy;
}
