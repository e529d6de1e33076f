import type { ApiKeyStore } from './api-key-store';

// 16 hex digits (64 bits) of a key's hash: a random token matches some key's by chance with odds
// of one in 2^64 per key, and a million keys still fit in a few tens of megabytes.
const HASH_PREFIX_LENGTH = 16;
// Keys are made in short transactions whose created_at is their start: reading a little before
// the last read catches one that committed just after it.
const COMMIT_LAG_ALLOWANCE_MS = 10_000;

export interface KnownKeyHashesSettings {
  /** At most one read of new keys per this interval, however many unknown tokens arrive. */
  refreshIntervalMs: number;
}

/**
 * Which key hashes exist, held in memory, so that a flood of random bearer tokens costs no
 * database query each: a token whose hash is not here is refused after at most one shared read
 * of the keys created since the last one (a key made on another replica a moment ago is found by
 * that read; its first request here waits for it, at most one interval).
 */
export class KnownKeyHashes {
  private readonly prefixes = new Set<string>();
  private lastReadAt: Date | undefined;
  private lastRefreshStartedAt = Number.NEGATIVE_INFINITY;
  private refreshing: Promise<void> | undefined;

  constructor(
    private readonly store: ApiKeyStore,
    private readonly settings: KnownKeyHashesSettings,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) =>
      new Promise((resolve) => setTimeout(resolve, ms)),
  ) {}

  /** False only when no key has this hash (revoked and expired keys still count as existing). */
  async mayExist(keyHash: string): Promise<boolean> {
    const prefix = prefixOf(keyHash);
    if (this.prefixes.has(prefix)) return true;
    await this.refresh();
    return this.prefixes.has(prefix);
  }

  /** A key made by this replica is known at once. */
  add(keyHash: string): void {
    this.prefixes.add(prefixOf(keyHash));
  }

  private refresh(): Promise<void> {
    this.refreshing ??= this.readNewKeys().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async readNewKeys(): Promise<void> {
    const wait = this.lastRefreshStartedAt + this.settings.refreshIntervalMs - this.now();
    if (wait > 0) await this.sleep(wait);
    this.lastRefreshStartedAt = this.now();
    const since =
      this.lastReadAt === undefined
        ? undefined
        : new Date(this.lastReadAt.getTime() - COMMIT_LAG_ALLOWANCE_MS);
    const { hashes, readAt } = await this.store.hashesCreatedSince(since);
    for (const hash of hashes) this.prefixes.add(prefixOf(hash));
    this.lastReadAt = readAt;
  }
}

function prefixOf(keyHash: string): string {
  return keyHash.slice(0, HASH_PREFIX_LENGTH);
}
