import { GatewayError } from '../gateway-error';
import { bearerToken, hashApiKey } from './api-key-credentials';
import type { ApiKeyStore } from './api-key-store';
import type { ApiKeyUsage } from './api-key-usage';
import type { KnownKeyHashes } from './known-key-hashes';
import { permissionsOf } from './permissions';
import type { ApiKeyPrincipal } from './principal';

export interface ApiKeyCacheSettings {
  /** A revoked key keeps working for at most this long on a replica that has it cached. */
  ttlMs: number;
  maxEntries: number;
}

interface CachedAnswer {
  /** undefined: the key exists but is revoked or expired, which it stays. */
  principal: ApiKeyPrincipal | undefined;
  cachedUntil: number;
}

/**
 * Resolves `Authorization: Bearer <key>` to the key's principal. Answers are cached briefly, known
 * keys and refused ones alike, so that a stream of requests costs no database round trip each;
 * a token no key could have is refused from memory (KnownKeyHashes).
 */
export class AuthenticateApiKey {
  private readonly cache = new Map<string, CachedAnswer>();

  constructor(
    private readonly store: ApiKeyStore,
    private readonly knownHashes: KnownKeyHashes,
    private readonly usage: ApiKeyUsage,
    private readonly settings: ApiKeyCacheSettings,
    private readonly now: () => number = Date.now,
  ) {}

  async execute(authorization: string | undefined): Promise<ApiKeyPrincipal> {
    const key = bearerToken(authorization);
    if (!key) throw new GatewayError('UNAUTHENTICATED', 'send your API key as "Authorization: Bearer <key>"');
    const keyHash = hashApiKey(key);

    const cached = this.cache.get(keyHash);
    const principal =
      cached !== undefined && cached.cachedUntil > this.now() ? cached.principal : await this.lookUp(keyHash);
    if (principal === undefined)
      throw new GatewayError('UNAUTHENTICATED', 'the API key is unknown, revoked or expired');
    this.usage.note(principal.keyId, new Date(this.now()));
    return principal;
  }

  /** Forgets a key's cached answer (it was revoked or rotated here): this replica sees it at once. */
  forgetKey(keyId: string): void {
    for (const [keyHash, entry] of this.cache) {
      if (entry.principal?.keyId === keyId) this.cache.delete(keyHash);
    }
  }

  private async lookUp(keyHash: string): Promise<ApiKeyPrincipal | undefined> {
    if (!(await this.knownHashes.mayExist(keyHash))) return undefined;
    const found = await this.store.findActive(keyHash);
    const principal = found && {
      keyId: found.id,
      tenantId: found.tenantId,
      role: found.role,
      permissions: permissionsOf(found),
    };
    const expiresAt = found?.expiresAt?.getTime() ?? Number.POSITIVE_INFINITY;
    this.remember(keyHash, { principal, cachedUntil: Math.min(this.now() + this.settings.ttlMs, expiresAt) });
    return principal;
  }

  private remember(keyHash: string, entry: CachedAnswer): void {
    // Crude but bounded: a full cache starts over rather than tracking recency.
    if (this.cache.size >= this.settings.maxEntries) this.cache.clear();
    this.cache.set(keyHash, entry);
  }
}
