/**
 * Records whose handling cost this consumer its group membership: the handler blocked the event
 * loop (or hung) past the session timeout, the group moved on, and the record came back
 * uncommitted. Without a count such a record loops for ever, taking the partition with it each
 * time; after `threshold` losses it is parked as poison instead of being handled again.
 *
 * Kept in memory: the loop it breaks happens inside one process that stays alive.
 */
export class LostDeliveries {
  private readonly losses = new Map<string, number>();

  constructor(
    readonly threshold: number,
    private readonly capacity = 10_000,
  ) {}

  /** How many times this record's handling lost the membership; 0 for almost every record. */
  lossesOf(topic: string, partition: number, offset: string): number {
    return this.losses.get(keyOf(topic, partition, offset)) ?? 0;
  }

  isPoison(topic: string, partition: number, offset: string): boolean {
    return this.lossesOf(topic, partition, offset) >= this.threshold;
  }

  recordLoss(topic: string, partition: number, offsets: Iterable<string>): void {
    for (const offset of offsets) {
      const key = keyOf(topic, partition, offset);
      const losses = (this.losses.get(key) ?? 0) + 1;
      // Re-inserted so the map's order is oldest loss first, for eviction.
      this.losses.delete(key);
      this.losses.set(key, losses);
    }
    for (const key of this.losses.keys()) {
      if (this.losses.size <= this.capacity) break;
      this.losses.delete(key);
    }
  }

  /** Offsets up to `offset` are committed: those records will not come back. */
  forgetCommitted(topic: string, partition: number, offset: string): void {
    if (this.losses.size === 0) return;
    const committed = BigInt(offset);
    const prefix = keyOf(topic, partition, '');
    for (const key of this.losses.keys()) {
      if (key.startsWith(prefix) && BigInt(key.slice(prefix.length)) <= committed) this.losses.delete(key);
    }
  }
}

function keyOf(topic: string, partition: number, offset: string): string {
  return `${topic}\u0000${partition}\u0000${offset}`;
}
