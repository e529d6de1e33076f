import { ConsumerPauses, type PausableConsumer } from './consumer-pauses';

// kafkajs's own bookkeeping of pauses, so that the test sees how its topic-wide and per-partition
// pauses and resumes interact (a topic-wide resume ends partition pauses, and the reverse).
const SubscriptionState = require('kafkajs/src/consumer/subscriptionState') as new () => {
  pause(topicPartitions: Array<{ topic: string; partitions?: number[] }>): void;
  resume(topicPartitions: Array<{ topic: string; partitions?: number[] }>): void;
  isPaused(topic: string, partition: number): boolean;
};

function kafkajsConsumer() {
  const state = new SubscriptionState();
  const consumer: PausableConsumer = {
    pause: (topicPartitions) => state.pause(topicPartitions),
    resume: (topicPartitions) => state.resume(topicPartitions),
  };
  return { consumer, isPaused: (topic: string, partition: number) => state.isPaused(topic, partition) };
}

describe('ConsumerPauses', () => {
  const now = 1_000_000;
  let pauses: ConsumerPauses;

  beforeEach(() => {
    jest.useFakeTimers({ now });
    pauses = new ConsumerPauses();
  });
  afterEach(() => {
    pauses.clearWaits();
    jest.useRealTimers();
  });

  it('pauses only the waiting partition, and resumes it when its record is due', () => {
    const { consumer, isPaused } = kafkajsConsumer();
    pauses.attach(consumer);

    pauses.waitUntil('retries', 2, now + 1_000, now);

    expect(isPaused('retries', 2)).toBe(true);
    expect(isPaused('retries', 1)).toBe(false);
    jest.advanceTimersByTime(999);
    expect(isPaused('retries', 2)).toBe(true);
    jest.advanceTimersByTime(1);
    expect(isPaused('retries', 2)).toBe(false);
    expect(pauses.isWaiting('retries', 2)).toBe(false);
  });

  it('keeps a held topic paused when one of its partitions becomes due', () => {
    const { consumer, isPaused } = kafkajsConsumer();
    pauses.attach(consumer);
    pauses.waitUntil('retries', 0, now + 1_000, now);

    pauses.holdTopic('retries');
    jest.advanceTimersByTime(1_000);

    expect(isPaused('retries', 0)).toBe(true);
    expect(isPaused('retries', 1)).toBe(true);
  });

  it('keeps a topic held when one of its partitions starts waiting', () => {
    const { consumer, isPaused } = kafkajsConsumer();
    pauses.attach(consumer);
    pauses.holdTopic('retries');

    pauses.waitUntil('retries', 0, now + 1_000, now);

    expect(isPaused('retries', 1)).toBe(true);
  });

  it('keeps a waiting partition paused when its topic is released', () => {
    const { consumer, isPaused } = kafkajsConsumer();
    pauses.attach(consumer);
    pauses.holdTopic('retries');
    pauses.waitUntil('retries', 0, now + 1_000, now);

    pauses.releaseTopic('retries');

    expect(isPaused('retries', 0)).toBe(true);
    expect(isPaused('retries', 1)).toBe(false);
    jest.advanceTimersByTime(1_000);
    expect(isPaused('retries', 0)).toBe(false);
  });

  it('gives a new consumer every hold and wait there is', () => {
    const first = kafkajsConsumer();
    pauses.attach(first.consumer);
    pauses.holdTopic('lane');
    pauses.waitUntil('retries', 3, now + 1_000, now);
    pauses.detach();

    const second = kafkajsConsumer();
    pauses.attach(second.consumer);

    expect(second.isPaused('lane', 0)).toBe(true);
    expect(second.isPaused('retries', 3)).toBe(true);
    expect(second.isPaused('retries', 0)).toBe(false);
  });

  it('moves a wait to its new time when the partition waits again', () => {
    const { consumer, isPaused } = kafkajsConsumer();
    pauses.attach(consumer);
    pauses.waitUntil('retries', 0, now + 5_000, now);

    pauses.waitUntil('retries', 0, now + 1_000, now);
    jest.advanceTimersByTime(1_000);

    expect(isPaused('retries', 0)).toBe(false);
  });
});
