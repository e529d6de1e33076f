export interface PerKeyOptions<T> {
  /** Items with the same key run one at a time, in order; a null key has no order to keep. */
  keyOf(item: T): string | null;
  /** How many keys are worked on at once. */
  concurrency: number;
  /** Asked before each item starts; false starts nothing more (in-flight work still finishes). */
  shouldStart?(): boolean;
}

/**
 * Runs `work` for every item, at most `concurrency` at a time, keeping the items of one key
 * in order. `work` resolving false stops the rest of that key (its order cannot be kept).
 * The first error stops new work everywhere and is rethrown once in-flight work has settled.
 */
export async function runPerKey<T>(
  items: readonly T[],
  options: PerKeyOptions<T>,
  work: (item: T) => Promise<boolean>,
): Promise<void> {
  if (!Number.isInteger(options.concurrency) || options.concurrency < 1) {
    throw new RangeError(`concurrency must be a positive integer, got ${options.concurrency}`);
  }
  const groups = groupByKey(items, options.keyOf);
  let nextGroup = 0;
  let failure: { error: unknown } | undefined;
  const mayStart = () => failure === undefined && (options.shouldStart?.() ?? true);

  const worker = async () => {
    while (nextGroup < groups.length && mayStart()) {
      const group = groups[nextGroup++];
      for (const item of group) {
        if (!mayStart()) return;
        try {
          if (!(await work(item))) break;
        } catch (error) {
          failure ??= { error };
          return;
        }
      }
    }
  };
  const workers = Array.from({ length: Math.min(options.concurrency, groups.length) }, worker);
  await Promise.all(workers);
  if (failure) throw failure.error;
}

/** Groups in order of each key's first item, so the earliest items start first. */
export function groupByKey<T>(items: readonly T[], keyOf: (item: T) => string | null): T[][] {
  const groups: T[][] = [];
  const byKey = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    if (key === null) {
      groups.push([item]);
      continue;
    }
    let group = byKey.get(key);
    if (!group) {
      group = [];
      byKey.set(key, group);
      groups.push(group);
    }
    group.push(item);
  }
  return groups;
}
