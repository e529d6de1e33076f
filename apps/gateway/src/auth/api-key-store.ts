export interface ActiveApiKey {
  id: string;
  tenantId: string;
}

export interface NewApiKey {
  tenantId: string;
  name: string;
  keyHash: string;
}

export abstract class ApiKeyStore {
  /** The key with this hash, unless it was revoked. */
  abstract findActive(keyHash: string): Promise<ActiveApiKey | undefined>;
  /** Creates the key, or makes an existing key with this hash active for this tenant. */
  abstract ensure(key: NewApiKey): Promise<void>;
}
