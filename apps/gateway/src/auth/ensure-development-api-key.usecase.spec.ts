import { hashApiKey } from './api-key-credentials';
import { EnsureDevelopmentApiKey } from './ensure-development-api-key.usecase';
import { InMemoryApiKeyStore } from './in-memory-api-key-store';

describe('EnsureDevelopmentApiKey', () => {
  it('stores only the hash of the key, for the configured tenant', async () => {
    const store = new InMemoryApiKeyStore();

    await new EnsureDevelopmentApiKey(store).execute('sk_dev_secret', 'dev');

    expect(store.keys).toEqual([
      expect.objectContaining({ tenantId: 'dev', name: 'development', keyHash: hashApiKey('sk_dev_secret') }),
    ]);
    expect(JSON.stringify(store.keys)).not.toContain('sk_dev_secret');
  });

  it('is safe to run at every start-up', async () => {
    const store = new InMemoryApiKeyStore();
    const ensure = new EnsureDevelopmentApiKey(store);

    await ensure.execute('sk_dev_secret', 'dev');
    await ensure.execute('sk_dev_secret', 'dev');

    expect(store.keys).toHaveLength(1);
  });
});
