import { randomUUID } from 'node:crypto';
import { hashApiKey } from './api-key-credentials';
import type { ApiKeyStore, DevelopmentKeyState } from './api-key-store';

export const DEVELOPMENT_KEY_NAME = 'development';

/**
 * Makes the configured development key work for its tenant, as an owner; only its hash is stored.
 * A key that was revoked stays revoked and a key of another tenant stays where it is: what the
 * configuration says never overrides what an owner did through the API.
 */
export class EnsureDevelopmentApiKey {
  constructor(private readonly store: ApiKeyStore) {}

  async execute(key: string, tenantId: string): Promise<DevelopmentKeyState> {
    return this.store.ensureDevelopmentKey({
      id: randomUUID(),
      tenantId,
      name: DEVELOPMENT_KEY_NAME,
      keyHash: hashApiKey(key),
      prefix: null,
      role: 'owner',
      scopes: null,
      expiresAt: null,
      createdBy: null,
    });
  }
}
