import { validate } from '@switchboard/contracts';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { SecurityError } from './security-error';

/** What a signed link lets its holder do: opt out of one category, or edit their preferences. */
export type LinkPurpose = 'unsubscribe' | 'preferences';

/** One signing key; its id travels in the token so that a rotation keeps old links working. */
export interface LinkSigningKey {
  keyId: string;
  secret: Buffer;
}

/** The first key signs; every key verifies (the old ones stay listed during a rotation). */
export interface LinkKeyring {
  keys: readonly LinkSigningKey[];
}

/** Whom a link acts for: a recipient the tenant knows by id, or only an email address. */
export type LinkSubject = { recipientId: string } | { address: string };

export type LinkClaims = LinkSubject & {
  tenantId: string;
  category: string;
  purpose: LinkPurpose;
};

export type VerifiedLink = LinkClaims & { issuedAt: Date; expiresAt?: Date };

export type LinkVerification =
  | { valid: true; link: VerifiedLink }
  | { valid: false; reason: 'malformed' | 'bad-signature' | 'expired' | 'wrong-purpose' };

const MINIMUM_SECRET_BYTES = 32;
const MAXIMUM_TOKEN_LENGTH = 2048;
const SIGNATURE_BYTES = 32;
const TOKEN_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const HEX = /^(?:[0-9a-fA-F]{2})+$/;
/** Preference links open a page that shows and changes everything: they expire. */
export const PREFERENCE_LINK_LIFETIME_SECONDS = 30 * 24 * 3600;
// Unsubscribe links do not expire: mail providers and people use them months after the email.
const LIFETIME_SECONDS: Record<LinkPurpose, number | undefined> = {
  unsubscribe: undefined,
  preferences: PREFERENCE_LINK_LIFETIME_SECONDS,
};

const claimsSchema = z.union([
  z.strictObject({
    tenantId: z.string().min(1).max(200),
    recipientId: z.string().min(1).max(200),
    category: z.string().min(1).max(64),
    purpose: z.enum(['unsubscribe', 'preferences']),
  }),
  z.strictObject({
    tenantId: z.string().min(1).max(200),
    address: z.email().max(320),
    category: z.string().min(1).max(64),
    purpose: z.literal('unsubscribe'),
  }),
]);

// Short field names: the token is in a URL that some mail clients wrap or cut at a length.
const payloadSchema = z
  .strictObject({
    v: z.literal(1),
    k: z.string().regex(KEY_ID),
    t: z.string().min(1).max(200),
    r: z.string().min(1).max(200).optional(),
    a: z.email().max(320).optional(),
    c: z.string().min(1).max(64),
    p: z.enum(['unsubscribe', 'preferences']),
    /** Seconds since the epoch. */
    iat: z.int().positive(),
  })
  .refine((payload) => (payload.r === undefined) !== (payload.a === undefined));

type LinkPayload = z.infer<typeof payloadSchema>;

/**
 * A token for a link in an email: `<base64url JSON claims>.<base64url HMAC-SHA256 of them>`. The
 * purpose is signed with the rest, so an unsubscribe token never opens the preference page nor
 * the other way round. Claims are not encrypted: an address-only link shows its address.
 */
export function signLink(claims: LinkClaims, keyring: LinkKeyring, now: Date = new Date()): string {
  const checked = validate(claimsSchema, claims);
  if (!checked.ok) throw new SecurityError('INVALID_CLAIMS', checked.problems);
  const signingKey = keyring.keys[0];
  if (!signingKey) throw new SecurityError('WEAK_SECRET', [{ field: 'keys', problem: 'must hold a key' }]);
  const value = checked.value;
  const payload: LinkPayload = {
    v: 1,
    k: signingKey.keyId,
    t: value.tenantId,
    ...('recipientId' in value ? { r: value.recipientId } : { a: value.address }),
    c: value.category,
    p: value.purpose,
    iat: Math.floor(now.getTime() / 1000),
  };
  const encodedPayload = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
  return `${encodedPayload}.${sign(encodedPayload, signingKey.secret).toString('base64url')}`;
}

/** Checks a token from a URL for one purpose; anything but a valid result must be answered as "not found". */
export function verifyLink(
  token: string,
  purpose: LinkPurpose,
  keyring: LinkKeyring,
  now: Date = new Date(),
): LinkVerification {
  if (typeof token !== 'string' || token.length > MAXIMUM_TOKEN_LENGTH || !TOKEN_SHAPE.test(token)) {
    return { valid: false, reason: 'malformed' };
  }
  const [encodedPayload, encodedSignature] = token.split('.');
  const signature = Buffer.from(encodedSignature, 'base64url');
  // Unused low bits in the last character would let one token be written several ways.
  if (signature.toString('base64url') !== encodedSignature || signature.length !== SIGNATURE_BYTES) {
    return { valid: false, reason: 'malformed' };
  }
  if (Buffer.from(encodedPayload, 'base64url').toString('base64url') !== encodedPayload) {
    return { valid: false, reason: 'malformed' };
  }
  const payload = decodePayload(encodedPayload);
  if (!payload) return { valid: false, reason: 'malformed' };
  const key = keyring.keys.find((candidate) => candidate.keyId === payload.k);
  // An unknown key id is a signature we cannot check, the same as a wrong one to the caller.
  if (!key || !timingSafeEqual(signature, sign(encodedPayload, key.secret))) {
    return { valid: false, reason: 'bad-signature' };
  }
  if (payload.p !== purpose) return { valid: false, reason: 'wrong-purpose' };
  const issuedAt = new Date(payload.iat * 1000);
  const lifetime = LIFETIME_SECONDS[payload.p];
  const expiresAt = lifetime === undefined ? undefined : new Date((payload.iat + lifetime) * 1000);
  if (expiresAt && now.getTime() >= expiresAt.getTime()) return { valid: false, reason: 'expired' };
  const subject: LinkSubject = payload.r !== undefined ? { recipientId: payload.r } : { address: payload.a! };
  return {
    valid: true,
    link: {
      tenantId: payload.t,
      ...subject,
      category: payload.c,
      purpose: payload.p,
      issuedAt,
      ...(expiresAt ? { expiresAt } : {}),
    },
  };
}

/**
 * Reads `keyId:secret,keyId:secret` (secrets base64url or hex, at least 32 bytes); the first
 * key signs. Throws a SecurityError naming the entry at fault, never showing a secret.
 */
export function parseLinkKeyring(text: string): LinkKeyring {
  const entries = text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
  if (entries.length === 0) {
    throw new SecurityError('WEAK_SECRET', [
      { field: 'keys', problem: 'must list at least one keyId:secret' },
    ]);
  }
  const keys: LinkSigningKey[] = [];
  entries.forEach((entry, index) => {
    const field = `keys.${index}`;
    const separator = entry.indexOf(':');
    const keyId = separator < 0 ? '' : entry.slice(0, separator);
    const encodedSecret = separator < 0 ? '' : entry.slice(separator + 1);
    if (!KEY_ID.test(keyId)) {
      throw new SecurityError('INVALID_OPTIONS', [
        { field, problem: 'must be keyId:secret with a key id of 1-32 letters, digits, _ or -' },
      ]);
    }
    if (keys.some((key) => key.keyId === keyId)) {
      throw new SecurityError('INVALID_OPTIONS', [{ field, problem: `repeats the key id ${keyId}` }]);
    }
    const secret = decodeSecret(encodedSecret);
    if (!secret || secret.length < MINIMUM_SECRET_BYTES) {
      throw new SecurityError('WEAK_SECRET', [
        {
          field,
          problem: `the secret of key ${keyId} must be hex or base64url of at least ${MINIMUM_SECRET_BYTES} bytes`,
        },
      ]);
    }
    keys.push({ keyId, secret });
  });
  return { keys };
}

/** For config: `LINK_SIGNING_KEYS` as text in, a keyring out, problems as validation issues. */
export const linkKeyringSchema: z.ZodType<LinkKeyring, string> = z.string().transform((text, context) => {
  try {
    return parseLinkKeyring(text);
  } catch (error) {
    if (!(error instanceof SecurityError)) throw error;
    for (const { field, problem } of error.problems) {
      context.addIssue({ code: 'custom', message: `${field}: ${problem}` });
    }
    return z.NEVER;
  }
});

function decodeSecret(text: string): Buffer | undefined {
  // Hex first: a hex string is also valid base64url, and would decode to other bytes.
  if (HEX.test(text)) return Buffer.from(text, 'hex');
  if (BASE64URL.test(text)) return Buffer.from(text, 'base64url');
  return undefined;
}

function decodePayload(encodedPayload: string): LinkPayload | undefined {
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

function sign(encodedPayload: string, secret: Buffer): Buffer {
  return createHmac('sha256', secret).update(encodedPayload, 'ascii').digest();
}
