import { getVapidHeaders } from 'web-push';

export interface VapidKeys {
  /** `mailto:` or `https:` contact the push services may use to reach the sender. */
  subject: string;
  /** base64url, an uncompressed P-256 point. */
  publicKey: string;
  /** base64url, 32 bytes. */
  privateKey: string;
}

/** Signs a VAPID token for one audience and returns the `Authorization` header value. */
export type VapidSigner = (audience: string, keys: VapidKeys, expiresAtSeconds: number) => string;

export interface VapidAuthorizationCacheOptions {
  keys: VapidKeys;
  /** How long a signed token is valid; RFC 8292 allows at most 24 hours. Default 12 hours. */
  lifetimeSeconds?: number;
  /** A token is signed again this long before it expires, so no push carries an expiring one. Default 10 minutes. */
  renewBeforeSeconds?: number;
  /** Most audiences kept; the one unused longest is dropped first. Default 1000. */
  maxAudiences?: number;
  nowSeconds?: () => number;
  sign?: VapidSigner;
}

const DEFAULT_LIFETIME_SECONDS = 12 * 60 * 60;
const DEFAULT_RENEW_BEFORE_SECONDS = 10 * 60;
const MAX_LIFETIME_SECONDS = 24 * 60 * 60;

export const signWithWebPush: VapidSigner = (audience, keys, expiresAtSeconds) =>
  getVapidHeaders(audience, keys.subject, keys.publicKey, keys.privateKey, 'aes128gcm', expiresAtSeconds)
    .Authorization;

interface CachedAuthorization {
  authorization: string;
  renewAtSeconds: number;
}

/**
 * The signed VAPID `Authorization` header per audience (a push service's origin). An ES256
 * signature costs far more than encrypting a payload, and every subscription of one push
 * service shares the audience, so a token is signed once and reused until shortly before it
 * expires.
 */
export class VapidAuthorizationCache {
  private readonly cache = new Map<string, CachedAuthorization>();
  private readonly keys: VapidKeys;
  private readonly lifetimeSeconds: number;
  private readonly renewBeforeSeconds: number;
  private readonly maxAudiences: number;
  private readonly nowSeconds: () => number;
  private readonly sign: VapidSigner;
  private signed = 0;

  constructor(options: VapidAuthorizationCacheOptions) {
    this.keys = options.keys;
    this.lifetimeSeconds = options.lifetimeSeconds ?? DEFAULT_LIFETIME_SECONDS;
    this.renewBeforeSeconds = options.renewBeforeSeconds ?? DEFAULT_RENEW_BEFORE_SECONDS;
    this.maxAudiences = options.maxAudiences ?? 1000;
    this.nowSeconds = options.nowSeconds ?? (() => Math.floor(Date.now() / 1000));
    this.sign = options.sign ?? signWithWebPush;
    if (
      !Number.isInteger(this.lifetimeSeconds) ||
      this.lifetimeSeconds <= 0 ||
      this.lifetimeSeconds >= MAX_LIFETIME_SECONDS
    ) {
      throw new RangeError(
        `lifetimeSeconds must be a whole number of seconds under 24 hours, got ${this.lifetimeSeconds}`,
      );
    }
    if (
      !Number.isInteger(this.renewBeforeSeconds) ||
      this.renewBeforeSeconds < 0 ||
      this.renewBeforeSeconds >= this.lifetimeSeconds
    ) {
      throw new RangeError(
        `renewBeforeSeconds must be at least 0 and below lifetimeSeconds (${this.lifetimeSeconds}), got ${this.renewBeforeSeconds}`,
      );
    }
    if (!Number.isInteger(this.maxAudiences) || this.maxAudiences < 1) {
      throw new RangeError(`maxAudiences must be a positive integer, got ${this.maxAudiences}`);
    }
  }

  /** Tokens signed so far; the bench and the tests read it to show what the cache saves. */
  get signatures(): number {
    return this.signed;
  }

  authorizationFor(audience: string): string {
    const now = this.nowSeconds();
    const cached = this.cache.get(audience);
    if (cached && now < cached.renewAtSeconds) {
      // Re-inserted so that the map's order is least recently used first.
      this.cache.delete(audience);
      this.cache.set(audience, cached);
      return cached.authorization;
    }
    const expiresAt = now + this.lifetimeSeconds;
    const authorization = this.sign(audience, this.keys, expiresAt);
    this.signed += 1;
    this.cache.delete(audience);
    this.cache.set(audience, { authorization, renewAtSeconds: expiresAt - this.renewBeforeSeconds });
    if (this.cache.size > this.maxAudiences) {
      this.cache.delete(this.cache.keys().next().value as string);
    }
    return authorization;
  }
}
