import { hashApiKey } from './api-key-credentials';
import { AuthenticateApiKey } from './authenticate-api-key.usecase';
import { InMemoryApiKeyStore } from './in-memory-api-key-store';

function setUp() {
  const store = new InMemoryApiKeyStore();
  let clock = 0;
  const useCase = new AuthenticateApiKey(store, { ttlMs: 30_000, maxEntries: 2 }, () => clock);
  return {
    store,
    useCase,
    advance: (ms: number) => {
      clock += ms;
    },
  };
}

describe('AuthenticateApiKey', () => {
  it('resolves a known key to its tenant', async () => {
    const { store, useCase } = setUp();
    await store.ensure({ tenantId: 'acme', name: 'ci', keyHash: hashApiKey('sk_acme') });

    expect(await useCase.execute('Bearer sk_acme')).toBe('acme');
  });

  it('rejects a missing header, another scheme and an unknown key as UNAUTHENTICATED (401)', async () => {
    const { useCase } = setUp();

    for (const header of [undefined, 'Basic c2s=', 'Bearer sk_unknown']) {
      await expect(useCase.execute(header)).rejects.toMatchObject({ code: 'UNAUTHENTICATED', status: 401 });
    }
  });

  it('rejects a revoked key', async () => {
    const { store, useCase } = setUp();
    await store.ensure({ tenantId: 'acme', name: 'ci', keyHash: hashApiKey('sk_acme') });
    store.keys[0].revoked = true;

    await expect(useCase.execute('Bearer sk_acme')).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('asks the store once per key within the cache lifetime, and again after it', async () => {
    const { store, useCase, advance } = setUp();
    await store.ensure({ tenantId: 'acme', name: 'ci', keyHash: hashApiKey('sk_acme') });

    await useCase.execute('Bearer sk_acme');
    await useCase.execute('Bearer sk_acme');
    expect(store.lookups).toBe(1);

    advance(30_000);
    store.keys[0].revoked = true;
    await expect(useCase.execute('Bearer sk_acme')).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(store.lookups).toBe(2);
  });
});
