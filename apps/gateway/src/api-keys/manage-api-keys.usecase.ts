import { randomUUID } from 'node:crypto';
import type {
  ApiKeyView,
  CreateApiKeyRequest,
  CreatedApiKey,
  RotateApiKeyRequest,
} from '@switchboard/contracts';
import { API_KEY_PREFIX, generateApiKey, hashApiKey } from '../auth/api-key-credentials';
import type { ApiKeyGrant, ApiKeyRecord, ApiKeyStore, NewApiKey } from '../auth/api-key-store';
import type { AuthenticateApiKey } from '../auth/authenticate-api-key.usecase';
import type { KnownKeyHashes } from '../auth/known-key-hashes';
import { type Permission, permissionsOf } from '../auth/permissions';
import type { ApiKeyPrincipal } from '../auth/principal';
import { ApiKeyError } from './api-key-error';

// Enough of the key to tell keys apart in a list; far too little to guess the rest.
const SHOWN_RANDOM_CHARACTERS = 6;

/**
 * Who manages keys: a key of the tenant (through the API), or the operator's command line, which
 * acts for the tenant it names with every permission.
 */
export type KeyManager = ApiKeyPrincipal | { tenantId: string; keyId: null; permissions: 'all' };

/**
 * Creates, lists, revokes and rotates a tenant's API keys. A key shows once, when it is made;
 * only its hash is stored. Nobody hands out or takes away more than they hold: a key may create,
 * revoke or rotate only keys whose permissions are all its own (an admin cannot make an owner).
 */
export class ManageApiKeys {
  constructor(
    private readonly store: ApiKeyStore,
    private readonly knownHashes: KnownKeyHashes | undefined,
    private readonly authentication: Pick<AuthenticateApiKey, 'forgetKey'> | undefined,
    private readonly generateKey: () => string = generateApiKey,
  ) {}

  async create(manager: KeyManager, request: CreateApiKeyRequest): Promise<CreatedApiKey> {
    const grant: ApiKeyGrant = { role: request.role ?? null, scopes: request.scopes ?? null };
    this.checkWithin(manager, grant, 'create');
    const { key, record } = await this.issue(manager, request.name, grant, request.expiresAt);
    return { ...toView(record), key };
  }

  async list(tenantId: string): Promise<ApiKeyView[]> {
    return (await this.store.list(tenantId)).map(toView);
  }

  async revoke(manager: KeyManager, id: string): Promise<ApiKeyView> {
    const target = await this.existing(manager.tenantId, id);
    this.checkWithin(manager, target, 'revoke');
    const revoked = await this.store.revoke(manager.tenantId, id);
    if (revoked === undefined) throw notFound(id);
    this.authentication?.forgetKey(id);
    return toView(revoked);
  }

  async rotate(manager: KeyManager, id: string, request: RotateApiKeyRequest): Promise<CreatedApiKey> {
    const target = await this.existing(manager.tenantId, id);
    this.checkWithin(manager, target, 'rotate');
    if (target.revokedAt !== null || target.rotatedTo !== null || isExpired(target)) {
      throw new ApiKeyError(
        'API_KEY_NOT_ROTATABLE',
        `API key ${id} is ${target.revokedAt !== null ? 'revoked' : target.rotatedTo !== null ? 'already rotated' : 'expired'}: create a new key instead`,
      );
    }
    const key = this.generateKey();
    const replacement = this.newKey(manager, target.name, target, key, target.expiresAt?.toISOString());
    const overlapEnds = new Date(Date.now() + request.overlapSeconds * 1000);
    const rotated = await this.store.rotate(manager.tenantId, id, replacement, overlapEnds);
    if (rotated === undefined) {
      throw new ApiKeyError('API_KEY_NOT_ROTATABLE', `API key ${id} was revoked or rotated meanwhile`);
    }
    this.knownHashes?.add(replacement.keyHash);
    // The old key's new expiry applies here at once; other replicas learn it within their cache time.
    this.authentication?.forgetKey(id);
    return { ...toView(rotated.replacement), key };
  }

  private async issue(
    manager: KeyManager,
    name: string,
    grant: ApiKeyGrant,
    expiresAt: string | undefined,
  ): Promise<{ key: string; record: ApiKeyRecord }> {
    const key = this.generateKey();
    const record = await this.store.create(this.newKey(manager, name, grant, key, expiresAt));
    this.knownHashes?.add(hashApiKey(key));
    return { key, record };
  }

  private newKey(
    manager: KeyManager,
    name: string,
    grant: ApiKeyGrant,
    key: string,
    expiresAt: string | undefined,
  ): NewApiKey {
    return {
      id: randomUUID(),
      tenantId: manager.tenantId,
      name,
      keyHash: hashApiKey(key),
      prefix: key.startsWith(API_KEY_PREFIX)
        ? key.slice(0, API_KEY_PREFIX.length + SHOWN_RANDOM_CHARACTERS)
        : null,
      role: grant.role,
      scopes: grant.scopes,
      expiresAt: expiresAt === undefined ? null : new Date(expiresAt),
      createdBy: manager.keyId,
    };
  }

  private async existing(tenantId: string, id: string): Promise<ApiKeyRecord> {
    const found = await this.store.find(tenantId, id);
    if (found === undefined) throw notFound(id);
    return found;
  }

  private checkWithin(manager: KeyManager, grant: ApiKeyGrant, action: string): void {
    if (manager.permissions === 'all') return;
    const beyond = [...permissionsOf(grant)].filter((permission) => !manager.permissions.has(permission));
    if (beyond.length > 0) {
      throw new ApiKeyError(
        'API_KEY_BEYOND_OWN_PERMISSIONS',
        `cannot ${action} a key that can do more than this key: it lacks ${beyond.map((p) => `"${p}"`).join(', ')}`,
        { missingPermissions: beyond satisfies Permission[] },
      );
    }
  }
}

function isExpired(record: ApiKeyRecord): boolean {
  return record.expiresAt !== null && record.expiresAt.getTime() <= Date.now();
}

function notFound(id: string): ApiKeyError {
  return new ApiKeyError('API_KEY_NOT_FOUND', `this tenant has no API key ${id}`);
}

export function toView(record: ApiKeyRecord): ApiKeyView {
  return {
    id: record.id,
    name: record.name,
    prefix: record.prefix,
    role: record.role,
    scopes: record.scopes === null ? null : [...record.scopes],
    createdAt: record.createdAt.toISOString(),
    expiresAt: record.expiresAt?.toISOString() ?? null,
    lastUsedAt: record.lastUsedAt?.toISOString() ?? null,
    revokedAt: record.revokedAt?.toISOString() ?? null,
    rotatedTo: record.rotatedTo,
  };
}
