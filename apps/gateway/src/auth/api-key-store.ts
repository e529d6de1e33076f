import type { Permission, Role } from './permissions';

/** What a key may do: a role, or (role null) its own list of permissions. */
export interface ApiKeyGrant {
  role: Role | null;
  scopes: readonly Permission[] | null;
}

/** A key that works now: not revoked, not expired. */
export interface ActiveApiKey extends ApiKeyGrant {
  id: string;
  tenantId: string;
  expiresAt: Date | null;
}

export interface ApiKeyRecord extends ApiKeyGrant {
  id: string;
  tenantId: string;
  name: string;
  prefix: string | null;
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  rotatedTo: string | null;
}

export interface NewApiKey extends ApiKeyGrant {
  id: string;
  tenantId: string;
  name: string;
  keyHash: string;
  prefix: string | null;
  expiresAt: Date | null;
  /** The key that made this one, or null for the CLI and the development key. */
  createdBy: string | null;
}

/** What ensuring the development key found. */
export type DevelopmentKeyState = 'created' | 'active' | 'revoked' | 'other-tenant';

export abstract class ApiKeyStore {
  /** The key with this hash, unless it was revoked or has expired. */
  abstract findActive(keyHash: string): Promise<ActiveApiKey | undefined>;

  /** Hashes of keys made since `since` (all keys when undefined), to know which hashes exist. */
  abstract hashesCreatedSince(since: Date | undefined): Promise<{ hashes: string[]; readAt: Date }>;

  abstract create(key: NewApiKey): Promise<ApiKeyRecord>;

  /**
   * Makes the configured development key exist, once. It never revives a revoked key nor moves a
   * key to another tenant: it reports either, and the key stays as it is.
   */
  abstract ensureDevelopmentKey(key: NewApiKey): Promise<DevelopmentKeyState>;

  /** The tenant's keys, oldest first, revoked ones included. */
  abstract list(tenantId: string): Promise<ApiKeyRecord[]>;

  abstract find(tenantId: string, id: string): Promise<ApiKeyRecord | undefined>;

  /** Revokes the key now; undefined when the tenant has no such key. Revoking twice keeps the first time. */
  abstract revoke(tenantId: string, id: string): Promise<ApiKeyRecord | undefined>;

  /**
   * Stores the replacement and lets the old key work until `oldKeyExpiresAt` (or its own earlier
   * expiry), in one transaction. Undefined when the old key is not an active key of the tenant.
   */
  abstract rotate(
    tenantId: string,
    id: string,
    replacement: NewApiKey,
    oldKeyExpiresAt: Date,
  ): Promise<{ old: ApiKeyRecord; replacement: ApiKeyRecord } | undefined>;

  /** Records when keys were last used (a batch, written now and then rather than per request). */
  abstract recordUse(uses: ReadonlyMap<string, Date>): Promise<void>;
}
