import { hashApiKey } from './api-key-credentials';
import { AuthenticateApiKey } from './authenticate-api-key.usecase';
import { CreateApiKey } from './create-api-key.usecase';
import { InMemoryApiKeyStore } from './in-memory-api-key-store';

describe('CreateApiKey', () => {
  it('returns a new key and stores only its hash, with the tenant and name', async () => {
    const store = new InMemoryApiKeyStore();

    const key = await new CreateApiKey(store).execute({ tenantId: 'acme', name: 'billing system' });

    expect(key).toMatch(/^sb_live_/);
    expect(store.keys).toEqual([
      expect.objectContaining({ tenantId: 'acme', name: 'billing system', keyHash: hashApiKey(key) }),
    ]);
    expect(JSON.stringify(store.keys)).not.toContain(key);
  });

  it('issues a key that authenticates as its tenant', async () => {
    const store = new InMemoryApiKeyStore();
    const key = await new CreateApiKey(store).execute({ tenantId: 'globex', name: 'crm' });

    const authenticate = new AuthenticateApiKey(store, { ttlMs: 0, maxEntries: 10 });

    expect(await authenticate.execute(`Bearer ${key}`)).toBe('globex');
  });

  it('issues a different key on each call, even for the same tenant and name', async () => {
    const store = new InMemoryApiKeyStore();
    const createApiKey = new CreateApiKey(store);

    const first = await createApiKey.execute({ tenantId: 'acme', name: 'ci' });
    const second = await createApiKey.execute({ tenantId: 'acme', name: 'ci' });

    expect(second).not.toBe(first);
    expect(store.keys).toHaveLength(2);
  });
});
