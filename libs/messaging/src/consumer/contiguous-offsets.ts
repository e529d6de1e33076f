/**
 * Which of a batch's offsets are finished, and how far the batch is finished without a gap:
 * work completes out of order, but only an offset with every earlier one done may be committed.
 */
export class ContiguousOffsets {
  private readonly positions = new Map<string, number>();
  private readonly finished: boolean[];
  private finishedPrefix = 0;

  /** `offsets` in log order; they need not be consecutive numbers (compaction leaves gaps). */
  constructor(private readonly offsets: readonly string[]) {
    offsets.forEach((offset, position) => this.positions.set(offset, position));
    this.finished = offsets.map(() => false);
  }

  /** Returns the new highest contiguous finished offset when it moved forward, else undefined. */
  markFinished(offset: string): string | undefined {
    const position = this.positions.get(offset);
    if (position === undefined) throw new RangeError(`offset ${offset} is not in this batch`);
    this.finished[position] = true;
    const before = this.finishedPrefix;
    while (this.finishedPrefix < this.offsets.length && this.finished[this.finishedPrefix]) {
      this.finishedPrefix += 1;
    }
    return this.finishedPrefix > before ? this.highestContiguous : undefined;
  }

  /** The highest offset with it and every earlier one finished; undefined while the first is not. */
  get highestContiguous(): string | undefined {
    return this.finishedPrefix === 0 ? undefined : this.offsets[this.finishedPrefix - 1];
  }

  /** Offsets finished beyond the first unfinished one: done, but not yet committable. */
  get finishedBeyondGap(): string[] {
    return this.offsets.filter((_, position) => position > this.finishedPrefix && this.finished[position]);
  }
}
