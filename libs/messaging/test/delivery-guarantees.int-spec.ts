import {
  DEAD_LETTER_TOPIC,
  DeliveryEventTopic,
  HeaderName,
  type DeliveryEvent,
} from '@switchboard/contracts';
import type { ConsumedEvent } from '../src';
import { waitFor } from '@switchboard/testing';
import { deliveryEvent, startMessagingHarness, type MessagingHarness } from './support/messaging-harness';

const topic = DeliveryEventTopic.topic;
const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('delivery guarantees', () => {
  let harness: MessagingHarness;

  beforeEach(async () => {
    harness = await startMessagingHarness();
  });
  afterEach(() => harness.close());

  it('keeps the events of one key in order while handling many keys at once', async () => {
    await harness.provision([{ topic, partitions: 3 }]);
    const keys = Array.from({ length: 20 }, () => deliveryEvent().messageId);
    const stepsPerKey = 15;
    const seen = new Map<string, number[]>();
    let inFlight = 0;
    let mostInFlight = 0;
    await harness
      .runner('ordering', { concurrency: 10 })
      .on(topic, async (event) => {
        inFlight += 1;
        mostInFlight = Math.max(mostInFlight, inFlight);
        await tick(Math.random() * 4);
        const steps = seen.get(event.payload.messageId) ?? [];
        steps.push(Number((event.payload as DeliveryEvent).detail?.step));
        seen.set(event.payload.messageId, steps);
        inFlight -= 1;
        return { outcome: 'done' };
      })
      .start();

    const events = [];
    for (let step = 0; step < stepsPerKey; step += 1) {
      for (const messageId of keys) events.push(deliveryEvent({ messageId, detail: { step } }));
    }
    await harness.publisher.publishMany(topic, events);

    await waitFor(
      'every event handled',
      () => [...seen.values()].reduce((sum, steps) => sum + steps.length, 0) === events.length,
    );
    const inOrder = Array.from({ length: stepsPerKey }, (_, step) => step);
    for (const messageId of keys) expect(seen.get(messageId)).toEqual(inOrder);
    expect(mostInFlight).toBeGreaterThan(1);
    expect(mostInFlight).toBeLessThanOrEqual(10);
  });

  it('lets a consumer started after another stopped resume from the committed offset, losing nothing', async () => {
    await harness.provision([{ topic, partitions: 1 }]);
    const groupId = 'resume';
    const firstOffsets: number[] = [];
    const secondOffsets: number[] = [];
    const slowly = (offsets: number[]) => async (event: ConsumedEvent<unknown>) => {
      await tick(2);
      offsets.push(Number(event.offset));
      return { outcome: 'done' as const };
    };
    const first = harness.runner(groupId, { concurrency: 4 }).on(topic, slowly(firstOffsets));
    await first.start();
    await harness.publisher.publishMany(
      topic,
      Array.from({ length: 300 }, () => deliveryEvent()),
    );
    await waitFor('the first consumer to be under way', () => firstOffsets.length >= 40);
    await first.stop();

    const committed = await harness.committedOffset(groupId, topic);
    expect(committed).toBeGreaterThanOrEqual(40);
    expect(committed).toBeLessThan(300);
    const handledBelowCommit = new Set(firstOffsets.filter((offset) => offset < committed));
    expect(handledBelowCommit.size).toBe(committed);

    await harness.publisher.publishMany(
      topic,
      Array.from({ length: 100 }, () => deliveryEvent()),
    );
    await harness.runner(groupId, { concurrency: 4 }).on(topic, slowly(secondOffsets)).start();
    await waitFor(
      'every event handled by one consumer or the other',
      () => new Set([...firstOffsets, ...secondOffsets]).size === 400,
    );
    expect(Math.min(...secondOffsets)).toBe(committed);
    await waitFor(
      'everything committed',
      async () => (await harness.committedOffset(groupId, topic)) === 400,
    );
  });

  it('keeps its partition through a handler that outlasts the session timeout, by heartbeating', async () => {
    await harness.provision([{ topic, partitions: 1 }]);
    let calls = 0;
    await harness
      .runner('slow-handler', { sessionTimeoutMs: 1500, heartbeatIntervalMs: 200 })
      .on(topic, async () => {
        calls += 1;
        await tick(2500);
        return { outcome: 'done' };
      })
      .start();
    await harness.publisher.publish(topic, deliveryEvent());

    await waitFor(
      'the slow event committed',
      async () => (await harness.committedOffset('slow-handler', topic)) === 1,
    );
    expect(calls).toBe(1);
  });

  it('hands a batch handler whole batches of valid events and commits after it resolves', async () => {
    await harness.provision([{ topic, partitions: 1 }]);
    const batches: number[][] = [];
    let failFirstCall = true;
    await harness
      .runner('analytics')
      .onBatch(topic, async (events) => {
        if (failFirstCall) {
          failFirstCall = false;
          throw new Error('bulk insert failed');
        }
        batches.push(events.map((event) => Number(event.offset)));
      })
      .start();

    const valid = Array.from({ length: 50 }, () => deliveryEvent());
    await harness.produceRaw(topic, [
      ...valid.slice(0, 25).map((event) => ({ value: JSON.stringify(event) })),
      { value: JSON.stringify({ tenantId: 'acme' }) },
      ...valid.slice(25).map((event) => ({ value: JSON.stringify(event) })),
    ]);

    await waitFor('all 50 valid events handled', () => batches.flat().length === 50);
    expect(batches.flat()).toEqual([
      ...Array.from({ length: 25 }, (_, index) => index),
      ...Array.from({ length: 25 }, (_, index) => index + 26),
    ]);
    const [letter] = await harness.readRecords(DEAD_LETTER_TOPIC, 1);
    expect(letter.headers[HeaderName.originalOffset]).toBe('25');
    await waitFor(
      'all 51 offsets committed',
      async () => (await harness.committedOffset('analytics', topic)) === 51,
    );
  });

  it('retries only the events a batch handler reports failed, and dead-letters the one that keeps failing', async () => {
    await harness.provision([{ topic, partitions: 1 }]);
    const events = Array.from({ length: 6 }, () => deliveryEvent());
    const [doomed, flaky] = [events[1], events[4]];
    const handled: string[][] = [];
    await harness
      .runner('partial-failures', { maxAttempts: 3, retryBackoffMs: 10 })
      .onBatch(topic, async (batch) => {
        handled.push(batch.map((event) => event.payload.messageId));
        const failing = batch.filter(
          (event) =>
            event.payload.messageId === doomed.messageId ||
            (event.payload.messageId === flaky.messageId && event.processingAttempt === 1),
        );
        return {
          failed: failing.map((event) => ({ event, error: new Error(`could not store ${event.offset}`) })),
        };
      })
      .start();
    await harness.publisher.publishMany(topic, events);

    const [letter] = await harness.readRecords(DEAD_LETTER_TOPIC, 1);
    expect(letter.headers[HeaderName.originalOffset]).toBe('1');
    expect(letter.headers[HeaderName.attempts]).toBe('3');
    expect(letter.headers[HeaderName.error]).toBe('Error: could not store 1');
    await waitFor(
      'all 6 offsets committed',
      async () => (await harness.committedOffset('partial-failures', topic)) === 6,
    );
    // The first try had the whole batch; later tries only what had failed.
    expect(handled).toEqual([
      events.map((event) => event.messageId),
      [doomed.messageId, flaky.messageId],
      [doomed.messageId],
    ]);
  });

  it('provisions topics idempotently, the dead-letter topic included', async () => {
    const topics = [
      { topic, partitions: 3 },
      { topic: 'sb.render.requested.v1', partitions: 2 },
    ];
    await harness.provision(topics);
    await harness.provision(topics);
    const admin = harness.kafka.admin();
    await admin.connect();
    try {
      const metadata = await admin.fetchTopicMetadata({
        topics: [topic, 'sb.render.requested.v1', DEAD_LETTER_TOPIC],
      });
      expect(
        Object.fromEntries(metadata.topics.map(({ name, partitions }) => [name, partitions.length])),
      ).toEqual({
        [topic]: 3,
        'sb.render.requested.v1': 2,
        [DEAD_LETTER_TOPIC]: 1,
      });
    } finally {
      await admin.disconnect();
    }
  });
});
