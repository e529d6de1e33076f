import { type ActiveApiKey, ApiKeyStore, type NewApiKey } from './api-key-store';

export class InMemoryApiKeyStore extends ApiKeyStore {
  readonly keys: Array<NewApiKey & { id: string; revoked: boolean }> = [];
  lookups = 0;

  async findActive(keyHash: string): Promise<ActiveApiKey | undefined> {
    this.lookups += 1;
    const key = this.keys.find((candidate) => candidate.keyHash === keyHash && !candidate.revoked);
    return key && { id: key.id, tenantId: key.tenantId };
  }

  async ensure(key: NewApiKey): Promise<void> {
    const existing = this.keys.find((candidate) => candidate.keyHash === key.keyHash);
    if (existing) Object.assign(existing, { tenantId: key.tenantId, revoked: false });
    else this.keys.push({ ...key, id: `key-${this.keys.length + 1}`, revoked: false });
  }
}
