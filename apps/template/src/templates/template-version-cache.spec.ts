import { TemplateVersionCache, type TemplateVersionLoader } from './template-version-cache';
import type { TemplateVersionRecord } from './version-at';

const T0 = Date.parse('2026-03-01T10:00:00Z');

function version(number: number, createdAt: number): TemplateVersionRecord {
  return {
    templateId: 't-1',
    templateKey: 'welcome',
    version: number,
    subject: `v${number}`,
    mjml: '<mjml></mjml>',
    createdAt: new Date(createdAt),
  };
}

function setUp(ttlMs = 1_000) {
  let clock = T0;
  const stored: TemplateVersionRecord[] = [version(1, T0 - 60_000)];
  const loads: string[] = [];
  const loader: TemplateVersionLoader = {
    async loadVersions(tenantId, key) {
      loads.push(`${tenantId}/${key}`);
      return [...stored];
    },
  };
  const cache = new TemplateVersionCache(loader, { ttlMs, settleMs: 5_000, now: () => clock });
  return {
    cache,
    loads,
    stored,
    advance: (ms: number) => (clock += ms),
  };
}

describe('TemplateVersionCache', () => {
  it('loads a template once for many messages, even concurrently', async () => {
    const { cache, loads } = setUp();
    const found = await Promise.all([1, 2, 3].map(() => cache.versionAt('acme', 'welcome', new Date(T0))));
    expect(found.map((entry) => entry?.version)).toEqual([1, 1, 1]);
    expect(loads).toEqual(['acme/welcome']);
  });

  it('keeps tenants apart', async () => {
    const { cache, loads } = setUp();
    await cache.versionAt('acme', 'welcome', new Date(T0));
    await cache.versionAt('globex', 'welcome', new Date(T0));
    expect(loads).toEqual(['acme/welcome', 'globex/welcome']);
  });

  it('sees a new version once the TTL has passed', async () => {
    const { cache, stored, advance } = setUp(1_000);
    await cache.versionAt('acme', 'welcome', new Date(T0));
    stored.push(version(2, T0 + 100));
    advance(500);
    expect((await cache.versionAt('acme', 'welcome', new Date(T0 + 500)))?.version).toBe(1);
    advance(600);
    expect((await cache.versionAt('acme', 'welcome', new Date(T0 + 1_100)))?.version).toBe(2);
  });

  it('answers a message accepted long before the fetch without reloading, however old the entry', async () => {
    const { cache, loads, advance } = setUp(1_000);
    await cache.versionAt('acme', 'welcome', new Date(T0));
    advance(3_600_000);
    expect((await cache.versionAt('acme', 'welcome', new Date(T0 - 10_000)))?.version).toBe(1);
    expect(loads).toHaveLength(1);
  });

  it('reloads after forget, when this process created a version', async () => {
    const { cache, stored, loads } = setUp();
    await cache.versionAt('acme', 'welcome', new Date(T0));
    stored.push(version(2, T0 + 1));
    cache.forget('acme', 'welcome');
    expect((await cache.versionAt('acme', 'welcome', new Date(T0 + 2)))?.version).toBe(2);
    expect(loads).toHaveLength(2);
  });

  it('does not cache a failed load', async () => {
    let failures = 1;
    const loader: TemplateVersionLoader = {
      async loadVersions() {
        if (failures-- > 0) throw new Error('connection reset');
        return [version(1, T0 - 1)];
      },
    };
    const cache = new TemplateVersionCache(loader, { ttlMs: 60_000, now: () => T0 });
    await expect(cache.versionAt('acme', 'welcome', new Date(T0))).rejects.toThrow('connection reset');
    expect((await cache.versionAt('acme', 'welcome', new Date(T0)))?.version).toBe(1);
  });
});
