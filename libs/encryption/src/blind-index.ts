import { createHmac, hkdfSync } from 'node:crypto';
import { z } from 'zod';
import { EncryptionError, parseArgument } from './encryption-error';
import { MINIMUM_SECRET_BYTES } from './master-keys';

/** Bytes of HMAC-SHA256 kept: 128 bits, 22 base64url characters; collisions stay out of reach. */
export const BLIND_INDEX_BYTES = 16;

/**
 * What is indexed decides how it is normalised, and is mixed into the key, so an email and a
 * phone number (or a recipient id) never share an index even with the same text.
 */
const blindIndexKindSchema = z.enum(['email', 'phone', 'recipient-id', 'push-endpoint', 'text']);
export type BlindIndexKind = z.infer<typeof blindIndexKindSchema>;

const inputSchema = z.strictObject({
  tenantId: z.string().min(1).max(128),
  kind: blindIndexKindSchema,
  value: z.string().max(4096),
});

export interface BlindIndexInput {
  tenantId: string;
  kind: BlindIndexKind;
  value: string;
}

// A tenant's keys are derived once and kept; the bound stops a flood of tenant ids from growing it.
const TENANT_KEYS_KEPT = 10_000;

/**
 * Keyed HMAC-SHA256 over a normalised value, for equality lookups (suppressions, dedup, find by
 * email) on columns whose values are encrypted. The key is derived per tenant and kind by HKDF
 * from `BLIND_INDEX_KEY`, so the same address gives unrelated indexes in two tenants, and an
 * index is worthless without the secret (no dictionary of hashed addresses works on it).
 */
export class BlindIndex {
  private readonly tenantKeys = new Map<string, Buffer>();

  constructor(private readonly secret: Buffer) {
    if (secret.length < MINIMUM_SECRET_BYTES) {
      throw new EncryptionError(
        'INVALID_CONFIG',
        `blind index key: must be at least ${MINIMUM_SECRET_BYTES} bytes`,
        [{ field: 'secret', problem: `must be at least ${MINIMUM_SECRET_BYTES} bytes` }],
      );
    }
  }

  /** The index of one value: base64url of the first 16 bytes of its HMAC. */
  compute(input: BlindIndexInput): string {
    const { tenantId, kind, value } = parseArgument(inputSchema, input, 'blind index input');
    return createHmac('sha256', this.keyFor(tenantId, kind))
      .update(normaliseForIndex(kind, value), 'utf8')
      .digest()
      .subarray(0, BLIND_INDEX_BYTES)
      .toString('base64url');
  }

  private keyFor(tenantId: string, kind: BlindIndexKind): Buffer {
    const name = JSON.stringify([tenantId, kind]);
    let key = this.tenantKeys.get(name);
    if (key === undefined) {
      key = Buffer.from(hkdfSync('sha256', this.secret, 'switchboard blind index v1', name, 32));
      if (this.tenantKeys.size >= TENANT_KEYS_KEPT) this.tenantKeys.clear();
      this.tenantKeys.set(name, key);
    }
    return key;
  }
}

/**
 * Spellings of one address give one index: emails are trimmed and lower-cased (providers treat the
 * local part case-blind in practice), phone numbers keep only the leading + and digits, the rest
 * is trimmed. Everything is Unicode NFC first.
 */
export function normaliseForIndex(kind: BlindIndexKind, value: string): string {
  const text = value.normalize('NFC').trim();
  switch (kind) {
    case 'email':
      return text.toLowerCase();
    case 'phone':
      return (text.startsWith('+') ? '+' : '') + text.replace(/\D/g, '');
    case 'recipient-id':
    case 'push-endpoint':
    case 'text':
      return text;
  }
}
