import { randomUUID } from 'node:crypto';
import { DeliveryEventTopic, HeaderName, MessageRequestedTopic } from '@switchboard/contracts';
import { waitFor } from '@switchboard/testing';
import {
  deliveryEvent,
  messageRequested,
  startMessagingHarness,
  type MessagingHarness,
} from './support/messaging-harness';

const retries = DeliveryEventTopic.topic;
const fresh = MessageRequestedTopic.topic;
// The test runners' fetch wait is 100 ms: a record is fetched again within that of its time.
const SHORTLY_MS = 1_500;

/** A record as a retry is written: its payload and the time before which it must not be handled. */
function retryRecord(partition: number, key: string, notBefore: number) {
  const event = deliveryEvent({ messageId: randomUUID() });
  return {
    partition,
    key,
    value: JSON.stringify(event),
    headers: { [HeaderName.notBefore]: new Date(notBefore).toISOString() },
    messageId: event.messageId,
  };
}

describe('records waiting for their not-before time in a group that reads other topics', () => {
  let harness: MessagingHarness;
  const handledAt = new Map<string, number[]>();
  const handle = (messageId: string) => {
    handledAt.set(messageId, [...(handledAt.get(messageId) ?? []), Date.now()]);
    return Promise.resolve({ outcome: 'done' as const });
  };
  const handledOnce = (messageId: string) => handledAt.get(messageId)?.length === 1;

  beforeEach(async () => {
    handledAt.clear();
    harness = await startMessagingHarness();
    await harness.provision([
      { topic: retries, partitions: 2 },
      { topic: fresh, partitions: 1 },
    ]);
  });
  afterEach(() => harness.close());

  it('handles due records of other topics and partitions while one waits, and the waiting one once, shortly after its time', async () => {
    // One partition at a time and one event at a time: a record held in its handler would hold everything.
    await harness
      .runner('shared', { concurrency: 1, partitionsConsumedConcurrently: 1 })
      .on(retries, (event) => handle(event.payload.messageId))
      .on(fresh, (event) => handle(event.payload.messageId))
      .start();
    const notBefore = Date.now() + 4_000;
    const waiting = retryRecord(0, 'later', notBefore);
    await harness.produceRaw(retries, [waiting]);

    const dueElsewhere = retryRecord(1, 'now', Date.now() - 1);
    await harness.produceRaw(retries, [dueElsewhere]);
    const freshRequest = messageRequested();
    await harness.publisher.publish(fresh, freshRequest);
    await waitFor('the due records handled', () =>
      [dueElsewhere.messageId, freshRequest.messageId].every(handledOnce),
    );
    expect(Date.now()).toBeLessThan(notBefore);
    expect(handledAt.has(waiting.messageId)).toBe(false);

    await waitFor('the waiting record handled', () => handledAt.has(waiting.messageId), 10_000);
    const [handled] = handledAt.get(waiting.messageId) ?? [];
    expect(handled).toBeGreaterThanOrEqual(notBefore);
    expect(handled - notBefore).toBeLessThan(SHORTLY_MS);
    await waitFor(
      'its offset committed',
      async () => (await harness.committedOffset('shared', retries)) === 1,
    );
    expect(handledAt.get(waiting.messageId)).toHaveLength(1);
  });

  it('lets a due record of another key go ahead within the partition, keeps each key in order, and handles each once', async () => {
    await harness
      .runner('in-partition', { concurrency: 4 })
      .on(retries, (event) => handle(event.payload.messageId))
      .start();
    const now = Date.now();
    const first = retryRecord(0, 'slow', now + 2_500);
    const otherKey = retryRecord(0, 'quick', now - 1);
    const sameKeyBehind = retryRecord(0, 'slow', now - 1);
    await harness.produceRaw(retries, [first, otherKey, sameKeyBehind]);

    await waitFor('the record of another key handled', () => handledOnce(otherKey.messageId));
    expect(Date.now()).toBeLessThan(now + 2_500);
    expect(handledAt.has(first.messageId)).toBe(false);
    expect(handledAt.has(sameKeyBehind.messageId)).toBe(false);

    await waitFor('both records of the waiting key handled', () =>
      [first.messageId, sameKeyBehind.messageId].every(handledOnce),
    );
    const [firstAt] = handledAt.get(first.messageId) ?? [];
    const [behindAt] = handledAt.get(sameKeyBehind.messageId) ?? [];
    expect(firstAt).toBeGreaterThanOrEqual(now + 2_500);
    expect(behindAt).toBeGreaterThanOrEqual(firstAt);
    await waitFor(
      'every offset committed',
      async () => (await harness.committedOffset('in-partition', retries)) === 3,
    );
    expect([first, otherKey, sameKeyBehind].map(({ messageId }) => handledAt.get(messageId)?.length)).toEqual(
      [1, 1, 1],
    );
  });
});
