import { hashApiKey } from './api-key-credentials';
import { type ActiveApiKey, ApiKeyStore } from './api-key-store';
import { ApiKeyUsage } from './api-key-usage';
import { AuthenticateApiKey } from './authenticate-api-key.usecase';
import { KnownKeyHashes } from './known-key-hashes';

/** Only what authentication asks of a store; it counts the questions. */
class LookupStore extends ApiKeyStore {
  readonly keys = new Map<string, ActiveApiKey & { revoked: boolean }>();
  lookups = 0;
  hashReads = 0;
  uses = new Map<string, Date>();

  add(key: string, tenantId: string, role: ActiveApiKey['role'] = 'owner', expiresAt: Date | null = null) {
    this.keys.set(hashApiKey(key), {
      id: `id-${key}`,
      tenantId,
      role,
      scopes: null,
      expiresAt,
      revoked: false,
    });
  }

  markRevoked(key: string) {
    const stored = this.keys.get(hashApiKey(key));
    if (stored) stored.revoked = true;
  }

  async findActive(keyHash: string): Promise<ActiveApiKey | undefined> {
    this.lookups += 1;
    const key = this.keys.get(keyHash);
    return key && !key.revoked ? key : undefined;
  }

  async hashesCreatedSince(): Promise<{ hashes: string[]; readAt: Date }> {
    this.hashReads += 1;
    return { hashes: [...this.keys.keys()], readAt: new Date() };
  }

  async recordUse(uses: ReadonlyMap<string, Date>): Promise<void> {
    for (const [id, at] of uses) this.uses.set(id, at);
  }

  create = notUsed;
  ensureDevelopmentKey = notUsed;
  list = notUsed;
  find = notUsed;
  revoke = notUsed;
  rotate = notUsed;
}

async function notUsed(): Promise<never> {
  throw new Error('not used by authentication');
}

function setUp() {
  const store = new LookupStore();
  let clock = 1_000_000;
  const now = () => clock;
  const advance = (ms: number) => {
    clock += ms;
  };
  const known = new KnownKeyHashes(store, { refreshIntervalMs: 1_000 }, now, async (ms) => advance(ms));
  const usage = new ApiKeyUsage(store, 60_000);
  const useCase = new AuthenticateApiKey(store, known, usage, { ttlMs: 30_000, maxEntries: 100 }, now);
  return {
    store,
    useCase,
    usage,
    advance,
    elapsedMs: () => clock - 1_000_000,
  };
}

describe('AuthenticateApiKey', () => {
  it('resolves a known key to its tenant and its role’s permissions', async () => {
    const { store, useCase } = setUp();
    store.add('sk_acme', 'acme', 'sender');

    const principal = await useCase.execute('Bearer sk_acme');

    expect(principal).toMatchObject({ keyId: 'id-sk_acme', tenantId: 'acme', role: 'sender' });
    expect(principal.permissions.has('messages:send')).toBe(true);
    expect(principal.permissions.has('templates:write')).toBe(false);
  });

  it('rejects a missing header, another scheme and an unknown key as UNAUTHENTICATED (401)', async () => {
    const { useCase } = setUp();

    for (const header of [undefined, 'Basic c2s=', 'Bearer sk_unknown']) {
      await expect(useCase.execute(header)).rejects.toMatchObject({ code: 'UNAUTHENTICATED', status: 401 });
    }
  });

  it('never looks up a token no key has; a flood of them costs one read of new keys', async () => {
    const { store, useCase } = setUp();
    store.add('sk_acme', 'acme');

    const attempts = Array.from({ length: 50 }, (_, attempt) =>
      useCase.execute(`Bearer sk_random_${attempt}`),
    );
    for (const attempt of attempts) await expect(attempt).rejects.toMatchObject({ status: 401 });

    expect(store.lookups).toBe(0);
    expect(store.hashReads).toBe(1);
  });

  it('reads new keys at most once per interval, however fast unknown tokens keep coming', async () => {
    const { store, useCase, elapsedMs } = setUp();

    for (let attempt = 0; attempt < 20; attempt += 1) {
      await expect(useCase.execute(`Bearer sk_random_${attempt}`)).rejects.toMatchObject({ status: 401 });
    }

    expect(store.lookups).toBe(0);
    expect(store.hashReads).toBeLessThanOrEqual(Math.floor(elapsedMs() / 1_000) + 1);
  });

  it('finds a key made elsewhere after the last read of known keys', async () => {
    const { store, useCase, advance } = setUp();
    await expect(useCase.execute('Bearer sk_new')).rejects.toMatchObject({ status: 401 });

    store.add('sk_new', 'acme');
    advance(5);

    await expect(useCase.execute('Bearer sk_new')).resolves.toMatchObject({ tenantId: 'acme' });
  });

  it('rejects a revoked key, and remembers the refusal for the cache lifetime', async () => {
    const { store, useCase } = setUp();
    store.add('sk_acme', 'acme');
    store.markRevoked('sk_acme');

    await expect(useCase.execute('Bearer sk_acme')).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(useCase.execute('Bearer sk_acme')).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });

    expect(store.lookups).toBe(1);
  });

  it('asks the store once per key within the cache lifetime, and again after it', async () => {
    const { store, useCase, advance } = setUp();
    store.add('sk_acme', 'acme');

    await useCase.execute('Bearer sk_acme');
    await useCase.execute('Bearer sk_acme');
    expect(store.lookups).toBe(1);

    advance(30_000);
    store.markRevoked('sk_acme');
    await expect(useCase.execute('Bearer sk_acme')).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(store.lookups).toBe(2);
  });

  it('stops a cached key at its expiry, not at the end of the cache lifetime', async () => {
    const { store, useCase, advance } = setUp();
    store.add('sk_acme', 'acme', 'owner', new Date(1_000_000 + 5_000));

    await useCase.execute('Bearer sk_acme');
    advance(5_000);
    store.keys.delete(hashApiKey('sk_acme'));
    store.add('sk_acme', 'acme', 'owner', new Date(1_000_000 + 5_000));
    store.markRevoked('sk_acme'); // the database no longer returns an expired key

    await expect(useCase.execute('Bearer sk_acme')).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('records when each key was last used, in one write', async () => {
    const { store, useCase, usage } = setUp();
    store.add('sk_acme', 'acme');
    store.add('sk_globex', 'globex');

    await useCase.execute('Bearer sk_acme');
    await useCase.execute('Bearer sk_globex');
    await usage.flush();

    expect([...store.uses.keys()].sort()).toEqual(['id-sk_acme', 'id-sk_globex']);
  });
});
