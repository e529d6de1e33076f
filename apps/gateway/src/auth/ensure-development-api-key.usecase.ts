import { hashApiKey } from './api-key-credentials';
import { ApiKeyStore } from './api-key-store';

export const DEVELOPMENT_KEY_NAME = 'development';

/** Makes the configured development key work for its tenant; only its hash is stored. */
export class EnsureDevelopmentApiKey {
  constructor(private readonly store: ApiKeyStore) {}

  async execute(key: string, tenantId: string): Promise<void> {
    await this.store.ensure({ tenantId, name: DEVELOPMENT_KEY_NAME, keyHash: hashApiKey(key) });
  }
}
