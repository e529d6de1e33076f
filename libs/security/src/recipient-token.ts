import { validate } from '@switchboard/contracts';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { SecurityError } from './security-error';

/** A secret as configured: text or bytes, at least 32 bytes either way. */
export type RecipientTokenSecret = string | Buffer;

export interface RecipientTokenClaims {
  tenantId: string;
  recipientId: string;
  ttlSeconds: number;
}

export type RecipientTokenVerification =
  | { valid: true; tenantId: string; recipientId: string; expiresAt: Date }
  | { valid: false; reason: 'malformed' | 'bad-signature' | 'expired' };

const MINIMUM_SECRET_BYTES = 32;
// A week at most: the app asks its own backend for a fresh token long before that.
const MAXIMUM_TTL_SECONDS = 7 * 24 * 3600;
const MAXIMUM_TOKEN_LENGTH = 4096;
const TOKEN_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const SIGNATURE_BYTES = 32;

const claimsSchema = z.object({
  tenantId: z.string().min(1).max(200),
  recipientId: z.string().min(1).max(200),
  ttlSeconds: z.number().int().positive().max(MAXIMUM_TTL_SECONDS),
});

const payloadSchema = z.strictObject({
  version: z.literal(1),
  keyId: z.string().min(1).max(64),
  tenantId: z.string().min(1).max(200),
  recipientId: z.string().min(1).max(200),
  /** Seconds since the epoch. */
  expiresAt: z.number().int().positive(),
});

type RecipientTokenPayload = z.infer<typeof payloadSchema>;

/**
 * Issues the token an end user's app sends to the inbox API instead of the tenant's API key:
 * `<base64url JSON payload>.<base64url HMAC-SHA256 of the payload>`. It names one recipient of one
 * tenant and expires; it is not encrypted, so it carries nothing secret.
 */
export function issueRecipientToken(
  claims: RecipientTokenClaims,
  secret: RecipientTokenSecret,
  now: Date = new Date(),
): string {
  const key = secretBytes(secret, 'secret');
  const checked = validate(claimsSchema, claims);
  if (!checked.ok) throw new SecurityError('INVALID_CLAIMS', checked.problems);
  const payload: RecipientTokenPayload = {
    version: 1,
    keyId: keyIdOf(key),
    tenantId: checked.value.tenantId,
    recipientId: checked.value.recipientId,
    expiresAt: Math.floor(now.getTime() / 1000) + checked.value.ttlSeconds,
  };
  const encodedPayload = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
  return `${encodedPayload}.${sign(encodedPayload, key).toString('base64url')}`;
}

/**
 * Verifies a recipient token against the current secrets; during a rotation both the new and the
 * old secret are listed, and tokens name the one that signed them by key id.
 */
export function verifyRecipientToken(
  token: string,
  secrets: readonly RecipientTokenSecret[],
  now: Date = new Date(),
): RecipientTokenVerification {
  if (secrets.length === 0) {
    throw new SecurityError('WEAK_SECRET', [{ field: 'secrets', problem: 'must hold at least one secret' }]);
  }
  const keys = secrets.map((secret, index) => secretBytes(secret, `secrets.${index}`));

  if (typeof token !== 'string' || token.length > MAXIMUM_TOKEN_LENGTH || !TOKEN_SHAPE.test(token)) {
    return { valid: false, reason: 'malformed' };
  }
  const [encodedPayload, encodedSignature] = token.split('.');
  const payload = decodePayload(encodedPayload);
  if (!payload) return { valid: false, reason: 'malformed' };

  const signature = Buffer.from(encodedSignature, 'base64url');
  // Unused low bits in the last character would let one token be written several ways.
  if (signature.toString('base64url') !== encodedSignature) return { valid: false, reason: 'malformed' };
  const key = keys.find((candidate) => keyIdOf(candidate) === payload.keyId);
  // An unknown key id is a signature we cannot check, the same as a wrong one to the caller.
  if (
    !key ||
    signature.length !== SIGNATURE_BYTES ||
    !timingSafeEqual(signature, sign(encodedPayload, key))
  ) {
    return { valid: false, reason: 'bad-signature' };
  }
  const expiresAt = new Date(payload.expiresAt * 1000);
  if (now.getTime() >= expiresAt.getTime()) return { valid: false, reason: 'expired' };
  return { valid: true, tenantId: payload.tenantId, recipientId: payload.recipientId, expiresAt };
}

function decodePayload(encodedPayload: string): RecipientTokenPayload | undefined {
  try {
    const result = validate(
      payloadSchema,
      JSON.parse(Buffer.from(encodedPayload, 'base64url').toString('utf8')),
    );
    return result.ok ? result.value : undefined;
  } catch {
    return undefined;
  }
}

function sign(encodedPayload: string, key: Buffer): Buffer {
  return createHmac('sha256', key).update(encodedPayload, 'ascii').digest();
}

// Derived from the secret, so rotating needs no separate id to configure; a truncated HMAC of a
// fixed label reveals nothing usable about the secret.
function keyIdOf(key: Buffer): string {
  return createHmac('sha256', key)
    .update('switchboard recipient token key id')
    .digest()
    .subarray(0, 8)
    .toString('base64url');
}

function secretBytes(secret: RecipientTokenSecret, field: string): Buffer {
  const bytes = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret;
  if (!Buffer.isBuffer(bytes) || bytes.length < MINIMUM_SECRET_BYTES) {
    throw new SecurityError('WEAK_SECRET', [
      { field, problem: `must be at least ${MINIMUM_SECRET_BYTES} bytes long` },
    ]);
  }
  return bytes;
}
