import { versionAt, type TemplateVersionRecord } from './version-at';

export interface TemplateVersionLoader {
  /** Every version of the tenant's template (none when the template does not exist). */
  loadVersions(tenantId: string, templateKey: string): Promise<TemplateVersionRecord[]>;
}

export interface TemplateVersionCacheOptions {
  /** How long a fetched list is trusted for recent messages; a newer version shows up after this. */
  ttlMs: number;
  /** A list fetched this long after a message's acceptance is complete for it, whatever its age. */
  settleMs?: number;
  maxTemplates?: number;
  now?: () => number;
}

interface CachedVersions {
  fetchedAt: number;
  versions: Promise<TemplateVersionRecord[]>;
}

const DEFAULT_SETTLE_MS = 5_000;
const DEFAULT_MAX_TEMPLATES = 10_000;

/**
 * Versions are immutable, so a template's version list only ever grows: a cached list answers
 * any message accepted well before it was fetched, and recent messages within the TTL.
 */
export class TemplateVersionCache {
  private readonly entries = new Map<string, CachedVersions>();
  private readonly now: () => number;

  constructor(
    private readonly loader: TemplateVersionLoader,
    private readonly options: TemplateVersionCacheOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  async versionAt(
    tenantId: string,
    templateKey: string,
    acceptedAt: Date,
  ): Promise<TemplateVersionRecord | undefined> {
    const cacheKey = `${tenantId}\u0000${templateKey}`;
    let entry = this.entries.get(cacheKey);
    if (!entry || !this.answers(entry, acceptedAt)) {
      entry = { fetchedAt: this.now(), versions: this.loader.loadVersions(tenantId, templateKey) };
      this.remember(cacheKey, entry);
    }
    return versionAt(await entry.versions, acceptedAt);
  }

  /** Called when this process creates a version, so it renders with it at once. */
  forget(tenantId: string, templateKey: string): void {
    this.entries.delete(`${tenantId}\u0000${templateKey}`);
  }

  private answers(entry: CachedVersions, acceptedAt: Date): boolean {
    const settledBefore = entry.fetchedAt - (this.options.settleMs ?? DEFAULT_SETTLE_MS);
    return this.now() - entry.fetchedAt < this.options.ttlMs || acceptedAt.getTime() <= settledBefore;
  }

  private remember(cacheKey: string, entry: CachedVersions): void {
    this.entries.delete(cacheKey);
    this.entries.set(cacheKey, entry);
    // A failed load is not cached: the next message asks the database again.
    entry.versions.catch(() => {
      if (this.entries.get(cacheKey) === entry) this.entries.delete(cacheKey);
    });
    const max = this.options.maxTemplates ?? DEFAULT_MAX_TEMPLATES;
    if (this.entries.size > max) this.entries.delete(this.entries.keys().next().value as string);
  }
}
