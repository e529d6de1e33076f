import type { Consumer } from 'kafkajs';

export type PausableConsumer = Pick<Consumer, 'pause' | 'resume'>;

interface PartitionWait {
  topic: string;
  partition: number;
  timer: NodeJS.Timeout;
}

/**
 * What a runner's consumer must not fetch: whole topics held by the caller (e.g. while a
 * provider's circuit is open), and partitions whose next record is not due yet, each until its
 * time. Kept here rather than only in kafkajs, which forgets its pauses when it rebuilds its group
 * after a crash, and whose topic-wide resume would also end the partitions' waits (and a
 * partition's pause, the topic's hold), so that the two never undo each other.
 */
export class ConsumerPauses {
  private readonly heldTopics = new Set<string>();
  private readonly waits = new Map<string, PartitionWait>();
  private consumer: PausableConsumer | undefined;

  /** The consumer the pauses apply to from now on, given every pause at once. */
  attach(consumer: PausableConsumer): void {
    this.consumer = consumer;
    if (this.heldTopics.size > 0) consumer.pause([...this.heldTopics].map((topic) => ({ topic })));
    for (const [topic, partitions] of this.waitingByTopic()) {
      if (!this.heldTopics.has(topic)) consumer.pause([{ topic, partitions }]);
    }
  }

  detach(): void {
    this.consumer = undefined;
  }

  holdTopic(topic: string): void {
    this.heldTopics.add(topic);
    this.consumer?.pause([{ topic }]);
  }

  releaseTopic(topic: string): void {
    this.heldTopics.delete(topic);
    if (!this.consumer) return;
    this.consumer.resume([{ topic }]);
    const waiting = this.waitingByTopic().get(topic);
    if (waiting) this.consumer.pause([{ topic, partitions: waiting }]);
  }

  /** Nothing more of the partition is fetched until `dueAt`; then it is fetched from where it was left. */
  waitUntil(topic: string, partition: number, dueAt: number, now = Date.now()): void {
    const key = keyOf(topic, partition);
    clearTimeout(this.waits.get(key)?.timer);
    const timer = setTimeout(() => this.endWait(key), Math.max(0, dueAt - now));
    this.waits.set(key, { topic, partition, timer });
    if (!this.heldTopics.has(topic)) this.consumer?.pause([{ topic, partitions: [partition] }]);
  }

  isWaiting(topic: string, partition: number): boolean {
    return this.waits.has(keyOf(topic, partition));
  }

  /** Ends every wait (the consumer is stopping; its records are fetched by whoever comes next). */
  clearWaits(): void {
    for (const { timer } of this.waits.values()) clearTimeout(timer);
    this.waits.clear();
  }

  private endWait(key: string): void {
    const wait = this.waits.get(key);
    if (!wait) return;
    this.waits.delete(key);
    if (!this.heldTopics.has(wait.topic)) {
      this.consumer?.resume([{ topic: wait.topic, partitions: [wait.partition] }]);
    }
  }

  private waitingByTopic(): Map<string, number[]> {
    const byTopic = new Map<string, number[]>();
    for (const { topic, partition } of this.waits.values()) {
      byTopic.set(topic, [...(byTopic.get(topic) ?? []), partition]);
    }
    return byTopic;
  }
}

function keyOf(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}
