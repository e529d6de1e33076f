import { validate } from '@switchboard/contracts';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { SecurityError } from './security-error';

/** The secrets of SERVICE_TOKEN_SECRETS, each at least 32 bytes: the first signs, every one verifies. */
export type ServiceTokenSecrets = readonly (string | Buffer)[];

export interface ServiceTokenClaims {
  /** The calling service, e.g. `gateway`. */
  issuer: string;
  /** The one service that may accept the token, e.g. `router`. */
  audience: string;
}

export interface VerifiedServiceToken {
  issuer: string;
  audience: string;
  tokenId: string;
  issuedAt: Date;
  expiresAt: Date;
}

export type ServiceTokenRejection =
  /** Not a token of this kind: shape, encoding, payload fields, or a lifetime longer than allowed. */
  | 'malformed'
  /** Signed with a secret this service does not hold (a rotation not finished everywhere). */
  | 'unknown-key'
  /** The signature does not match: forged or altered. */
  | 'bad-signature'
  /** Meant for another service. */
  | 'wrong-audience'
  | 'expired'
  /** Issued later than now, beyond the clock skew allowed: the caller's clock is ahead. */
  | 'not-yet-valid';

export type ServiceTokenVerification =
  { valid: true; token: VerifiedServiceToken } | { valid: false; reason: ServiceTokenRejection };

export interface ServiceTokenVerifyOptions {
  /** The service verifying: the token's audience must name it. */
  audience: string;
  now?: Date;
  /** How far the caller's clock may be from ours, both ways. Default 10 s. */
  clockSkewSeconds?: number;
}

export const MINIMUM_SERVICE_TOKEN_SECRET_BYTES = 32;
/** Short enough that a token copied from a log or a proxy is soon worthless. */
export const SERVICE_TOKEN_LIFETIME_SECONDS = 60;
// A token claiming a longer life was not made by our issuer, whatever its signature says.
const MAXIMUM_LIFETIME_SECONDS = 300;
const DEFAULT_CLOCK_SKEW_SECONDS = 10;
const MAXIMUM_TOKEN_LENGTH = 1024;
const SIGNATURE_BYTES = 32;
const TOKEN_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const SERVICE_NAME = /^[a-z][a-z0-9-]{0,62}$/;
const serviceName = z
  .string()
  .regex(SERVICE_NAME, 'must be a service name: lower-case letters, digits and -');

const claimsSchema = z.strictObject({ issuer: serviceName, audience: serviceName });

const payloadSchema = z
  .strictObject({
    v: z.literal(1),
    kid: z.string().regex(/^[A-Za-z0-9_-]{11}$/),
    iss: serviceName,
    aud: serviceName,
    /** Seconds since the epoch. */
    iat: z.int().positive(),
    exp: z.int().positive(),
    jti: z.string().regex(/^[A-Za-z0-9_-]{16}$/),
  })
  .refine((payload) => payload.exp > payload.iat && payload.exp - payload.iat <= MAXIMUM_LIFETIME_SECONDS);

type ServiceTokenPayload = z.infer<typeof payloadSchema>;

interface ServiceTokenKey {
  keyId: string;
  secret: Buffer;
}

/**
 * A credential one Switchboard service sends to another's internal API:
 * `<base64url JSON payload>.<base64url HMAC-SHA256 of the payload>`. The payload names the issuer,
 * the one audience that may accept it, when it was issued and when it expires (60 s later), a
 * random id, and the id of the secret that signed it. It is signed, not encrypted; it carries
 * nothing secret.
 */
export function issueServiceToken(
  claims: ServiceTokenClaims,
  secrets: ServiceTokenSecrets,
  now: Date = new Date(),
  lifetimeSeconds: number = SERVICE_TOKEN_LIFETIME_SECONDS,
): string {
  const checked = validate(claimsSchema, claims);
  if (!checked.ok) throw new SecurityError('INVALID_CLAIMS', checked.problems);
  if (
    !Number.isInteger(lifetimeSeconds) ||
    lifetimeSeconds < 1 ||
    lifetimeSeconds > MAXIMUM_LIFETIME_SECONDS
  ) {
    throw new SecurityError('INVALID_OPTIONS', [
      {
        field: 'lifetimeSeconds',
        problem: `must be a whole number of seconds from 1 to ${MAXIMUM_LIFETIME_SECONDS}`,
      },
    ]);
  }
  const [signingKey] = serviceTokenKeys(secrets);
  const issuedAt = Math.floor(now.getTime() / 1000);
  const payload: ServiceTokenPayload = {
    v: 1,
    kid: signingKey.keyId,
    iss: checked.value.issuer,
    aud: checked.value.audience,
    iat: issuedAt,
    exp: issuedAt + lifetimeSeconds,
    jti: randomBytes(12).toString('base64url'),
  };
  const encodedPayload = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
  return `${encodedPayload}.${sign(encodedPayload, signingKey.secret).toString('base64url')}`;
}

/**
 * Checks, in this order: shape, the signing secret's id, the signature (constant time), the
 * audience, and the time window with the clock skew allowed. A secret listed second or later
 * still verifies, so a rotation adds the new secret everywhere, then makes it first, then drops
 * the old one.
 */
export function verifyServiceToken(
  token: string,
  secrets: ServiceTokenSecrets,
  options: ServiceTokenVerifyOptions,
): ServiceTokenVerification {
  return new ServiceTokenVerifier(secrets, options.audience, options.clockSkewSeconds).verify(
    token,
    options.now,
  );
}

/** What a receiving service keeps: its secrets' ids are worked out once, not per request. */
export class ServiceTokenVerifier {
  private readonly keys: readonly ServiceTokenKey[];
  private readonly clockSkewSeconds: number;

  constructor(
    secrets: ServiceTokenSecrets,
    readonly audience: string,
    clockSkewSeconds: number = DEFAULT_CLOCK_SKEW_SECONDS,
  ) {
    this.keys = serviceTokenKeys(secrets);
    if (!SERVICE_NAME.test(audience)) {
      throw new SecurityError('INVALID_OPTIONS', [
        { field: 'audience', problem: 'must be a service name: lower-case letters, digits and -' },
      ]);
    }
    if (!Number.isInteger(clockSkewSeconds) || clockSkewSeconds < 0 || clockSkewSeconds > 60) {
      throw new SecurityError('INVALID_OPTIONS', [
        { field: 'clockSkewSeconds', problem: 'must be a whole number of seconds from 0 to 60' },
      ]);
    }
    this.clockSkewSeconds = clockSkewSeconds;
  }

  verify(token: string, now: Date = new Date()): ServiceTokenVerification {
    if (typeof token !== 'string' || token.length > MAXIMUM_TOKEN_LENGTH || !TOKEN_SHAPE.test(token)) {
      return { valid: false, reason: 'malformed' };
    }
    const [encodedPayload, encodedSignature] = token.split('.');
    const signature = Buffer.from(encodedSignature, 'base64url');
    // Unused low bits in the last character would let one token be written several ways.
    if (signature.toString('base64url') !== encodedSignature || signature.length !== SIGNATURE_BYTES) {
      return { valid: false, reason: 'malformed' };
    }
    const payload = decodePayload(encodedPayload);
    if (!payload) return { valid: false, reason: 'malformed' };
    const key = this.keys.find((candidate) => candidate.keyId === payload.kid);
    if (!key) return { valid: false, reason: 'unknown-key' };
    if (!timingSafeEqual(signature, sign(encodedPayload, key.secret))) {
      return { valid: false, reason: 'bad-signature' };
    }
    if (payload.aud !== this.audience) return { valid: false, reason: 'wrong-audience' };
    const nowSeconds = now.getTime() / 1000;
    if (nowSeconds >= payload.exp + this.clockSkewSeconds) return { valid: false, reason: 'expired' };
    if (payload.iat > nowSeconds + this.clockSkewSeconds) return { valid: false, reason: 'not-yet-valid' };
    return {
      valid: true,
      token: {
        issuer: payload.iss,
        audience: payload.aud,
        tokenId: payload.jti,
        issuedAt: new Date(payload.iat * 1000),
        expiresAt: new Date(payload.exp * 1000),
      },
    };
  }
}

export interface ServiceCredentialsOptions {
  /** This service's name, the issuer of its tokens. */
  issuer: string;
  secrets: ServiceTokenSecrets;
  /** Default 60 s. */
  lifetimeSeconds?: number;
  /**
   * A cached token is replaced once it has less than this left, so that one sent just before
   * renewal still has time to cross the network and a slow clock. Default 20 s.
   */
  renewBeforeSeconds?: number;
  now?: () => Date;
}

/**
 * The calling side: one token per audience, kept and reused until shortly before it expires.
 * Signing is cheap, but a token per request is waste and makes every request's header different.
 */
export class ServiceCredentials {
  private readonly cache = new Map<string, { token: string; renewAt: number }>();
  private readonly lifetimeSeconds: number;
  private readonly renewBeforeSeconds: number;
  private readonly now: () => Date;

  constructor(private readonly options: ServiceCredentialsOptions) {
    this.lifetimeSeconds = options.lifetimeSeconds ?? SERVICE_TOKEN_LIFETIME_SECONDS;
    this.renewBeforeSeconds = options.renewBeforeSeconds ?? 20;
    this.now = options.now ?? (() => new Date());
    if (this.renewBeforeSeconds < 0 || this.renewBeforeSeconds >= this.lifetimeSeconds) {
      throw new SecurityError('INVALID_OPTIONS', [
        { field: 'renewBeforeSeconds', problem: 'must be at least 0 and less than the lifetime' },
      ]);
    }
    // Fails at start-up, not at the first call, when the issuer or a secret is unusable.
    this.tokenFor(options.issuer);
    this.cache.clear();
  }

  /** A token for `audience`, fresh or cached. */
  tokenFor(audience: string): string {
    const now = this.now();
    const cached = this.cache.get(audience);
    if (cached && now.getTime() < cached.renewAt) return cached.token;
    const token = issueServiceToken(
      { issuer: this.options.issuer, audience },
      this.options.secrets,
      now,
      this.lifetimeSeconds,
    );
    this.cache.set(audience, {
      token,
      renewAt: now.getTime() + (this.lifetimeSeconds - this.renewBeforeSeconds) * 1000,
    });
    return token;
  }

  /** The Authorization header value for a call to `audience`. */
  authorizationFor(audience: string): string {
    return `Bearer ${this.tokenFor(audience)}`;
  }
}

function serviceTokenKeys(secrets: ServiceTokenSecrets): ServiceTokenKey[] {
  if (!Array.isArray(secrets) || secrets.length === 0) {
    throw new SecurityError('WEAK_SECRET', [{ field: 'secrets', problem: 'must hold at least one secret' }]);
  }
  return secrets.map((secret, index) => {
    const bytes = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret;
    if (!Buffer.isBuffer(bytes) || bytes.length < MINIMUM_SERVICE_TOKEN_SECRET_BYTES) {
      throw new SecurityError('WEAK_SECRET', [
        {
          field: `secrets.${index}`,
          problem: `must be at least ${MINIMUM_SERVICE_TOKEN_SECRET_BYTES} bytes long`,
        },
      ]);
    }
    return { keyId: keyIdOf(bytes), secret: bytes };
  });
}

function decodePayload(encodedPayload: string): ServiceTokenPayload | undefined {
  if (Buffer.from(encodedPayload, 'base64url').toString('base64url') !== encodedPayload) return undefined;
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

// Derived from the secret, so a rotation needs no id to configure; a truncated HMAC of a fixed
// label reveals nothing usable about the secret, and differs from the recipient tokens' key ids.
function keyIdOf(secret: Buffer): string {
  return createHmac('sha256', secret)
    .update('switchboard service token key id')
    .digest()
    .subarray(0, 8)
    .toString('base64url');
}
