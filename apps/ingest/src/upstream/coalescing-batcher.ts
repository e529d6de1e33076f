interface Pending<Item, Result> {
  item: Item;
  resolve(result: Result): void;
  reject(error: unknown): void;
}

/**
 * Gathers the items submitted during one turn of the event loop into a single call of `work`.
 * The consumer runner hands upstream events to their handler one at a time but many at once;
 * this lets those concurrent handlers share one bulk write. If `work` fails, every item of
 * that call fails with it (and is retried by its own handler).
 */
export class CoalescingBatcher<Item, Result> {
  private pending: Array<Pending<Item, Result>> = [];

  constructor(private readonly work: (items: Item[]) => Promise<Result[]>) {}

  submit(item: Item): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      if (this.pending.length === 0) setImmediate(() => void this.flush());
      this.pending.push({ item, resolve, reject });
    });
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    try {
      const results = await this.work(batch.map(({ item }) => item));
      if (results.length !== batch.length) {
        throw new Error(`the batch work returned ${results.length} results for ${batch.length} items`);
      }
      batch.forEach(({ resolve }, index) => resolve(results[index]));
    } catch (error) {
      for (const { reject } of batch) reject(error);
    }
  }
}
