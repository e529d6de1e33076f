import { GatewayError } from '../gateway-error';
import { bearerToken, hashApiKey } from './api-key-credentials';
import { ApiKeyStore } from './api-key-store';

export interface ApiKeyCacheSettings {
  /** A revoked key keeps working for at most this long on a replica that has it cached. */
  ttlMs: number;
  maxEntries: number;
}

interface CachedTenant {
  tenantId: string;
  cachedUntil: number;
}

/**
 * Resolves `Authorization: Bearer <key>` to the key's tenant. Known keys are cached briefly so
 * that a stream of requests costs no database round trip each.
 */
export class AuthenticateApiKey {
  private readonly cache = new Map<string, CachedTenant>();

  constructor(
    private readonly store: ApiKeyStore,
    private readonly settings: ApiKeyCacheSettings,
    private readonly now: () => number = Date.now,
  ) {}

  async execute(authorization: string | undefined): Promise<string> {
    const key = bearerToken(authorization);
    if (!key) throw new GatewayError('UNAUTHENTICATED', 'send your API key as "Authorization: Bearer <key>"');
    const keyHash = hashApiKey(key);

    const cached = this.cache.get(keyHash);
    if (cached && cached.cachedUntil > this.now()) return cached.tenantId;

    const found = await this.store.findActive(keyHash);
    if (!found) {
      this.cache.delete(keyHash);
      throw new GatewayError('UNAUTHENTICATED', 'the API key is unknown or revoked');
    }
    this.remember(keyHash, { tenantId: found.tenantId, cachedUntil: this.now() + this.settings.ttlMs });
    return found.tenantId;
  }

  private remember(keyHash: string, entry: CachedTenant): void {
    // Crude but bounded: a full cache starts over rather than tracking recency.
    if (this.cache.size >= this.settings.maxEntries) this.cache.clear();
    this.cache.set(keyHash, entry);
  }
}
