// Parked long-poll fetches, keyed by the partitions they wait on. An append wakes only the
// fetches waiting on its partition; nothing polls.

export interface FetchWaiter {
  /** Called on an append to a watched partition; the waiter decides whether it has enough. */
  onAppend(): void;
  /** Called at shutdown: answer now with whatever there is. */
  onShutdown(): void;
}

export class FetchWaiters {
  private readonly byPartition = new Map<string, Set<FetchWaiter>>();

  add(waiter: FetchWaiter, partitions: readonly { topic: string; partition: number }[]): () => void {
    const keys = partitions.map(({ topic, partition }) => key(topic, partition));
    for (const partitionKey of keys) {
      let waiters = this.byPartition.get(partitionKey);
      if (!waiters) this.byPartition.set(partitionKey, (waiters = new Set()));
      waiters.add(waiter);
    }
    return () => {
      for (const partitionKey of keys) {
        const waiters = this.byPartition.get(partitionKey);
        waiters?.delete(waiter);
        if (waiters?.size === 0) this.byPartition.delete(partitionKey);
      }
    };
  }

  wake(topic: string, partition: number): void {
    const waiters = this.byPartition.get(key(topic, partition));
    if (waiters) for (const waiter of [...waiters]) waiter.onAppend();
  }

  /** A deleted topic: every fetch on it answers at once (with UNKNOWN_TOPIC_OR_PARTITION). */
  wakeTopic(topic: string): void {
    const prefix = `${topic}\u0000`;
    for (const [partitionKey, waiters] of [...this.byPartition]) {
      if (partitionKey.startsWith(prefix)) for (const waiter of [...waiters]) waiter.onAppend();
    }
  }

  shutdown(): void {
    const all = new Set<FetchWaiter>();
    for (const waiters of this.byPartition.values()) for (const waiter of waiters) all.add(waiter);
    for (const waiter of all) waiter.onShutdown();
  }
}

function key(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}
