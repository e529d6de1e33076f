/**
 * Records handled while an earlier record of their partition waited for its not-before time.
 * Their offsets cannot be committed before that one's, so the partition is fetched again from the
 * waiting record on: these are then passed over, not handled twice. Kept in memory, per process:
 * a partition that moves to another member before the waiting record is done has them handled
 * again there (at least once, as for any uncommitted record).
 */
export class HandledAhead {
  private readonly byPartition = new Map<string, Set<string>>();

  remember(topic: string, partition: number, offsets: readonly string[]): void {
    if (offsets.length === 0) return;
    const key = keyOf(topic, partition);
    const handled = this.byPartition.get(key) ?? new Set<string>();
    for (const offset of offsets) handled.add(offset);
    this.byPartition.set(key, handled);
  }

  has(topic: string, partition: number, offset: string): boolean {
    return this.byPartition.get(keyOf(topic, partition))?.has(offset) ?? false;
  }

  /** The partition is read from `offset` on: nothing before it comes back. */
  forgetBefore(topic: string, partition: number, offset: string): void {
    const key = keyOf(topic, partition);
    const handled = this.byPartition.get(key);
    if (!handled) return;
    const first = BigInt(offset);
    for (const remembered of handled) {
      if (BigInt(remembered) < first) handled.delete(remembered);
    }
    if (handled.size === 0) this.byPartition.delete(key);
  }
}

function keyOf(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}
