import { generateApiKey, hashApiKey } from './api-key-credentials';
import { ApiKeyStore } from './api-key-store';

export interface CreateApiKeyRequest {
  tenantId: string;
  /** Says who uses the key (e.g. "billing system"), so it can be found and revoked later. */
  name: string;
}

/** Issues a new key for a tenant. Only its hash is stored: the returned key is the one copy. */
export class CreateApiKey {
  constructor(
    private readonly store: ApiKeyStore,
    private readonly generateKey: () => string = generateApiKey,
  ) {}

  async execute(request: CreateApiKeyRequest): Promise<string> {
    const key = this.generateKey();
    await this.store.ensure({ tenantId: request.tenantId, name: request.name, keyHash: hashApiKey(key) });
    return key;
  }
}
