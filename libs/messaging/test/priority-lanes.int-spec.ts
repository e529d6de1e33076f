import { MessageRequestedTopics, type MessageRequested, type PriorityName } from '@switchboard/contracts';
import { waitFor } from '@switchboard/testing';
import { highPriorityGroupId, PriorityLaneConsumer } from '../src';
import {
  messageRequested,
  startMessagingHarness,
  TEST_RUNNER_TIMINGS,
  type MessagingHarness,
} from './support/messaging-harness';

const lanes = MessageRequestedTopics;

describe('a hop consumed by priority lanes', () => {
  let harness: MessagingHarness;
  let consumer: PriorityLaneConsumer<(typeof lanes)[PriorityName]['topic']> | undefined;

  beforeEach(async () => {
    harness = await startMessagingHarness();
    await harness.provision(Object.values(lanes).map(({ topic }) => ({ topic, partitions: 1 })));
  });
  afterEach(async () => {
    await consumer?.stop();
    consumer = undefined;
    await harness.close();
  });

  it('handles a high-priority message while a bulk batch is still being worked on and a bulk backlog waits', async () => {
    const bulk = Array.from({ length: 2_000 }, () => messageRequested({ priority: 'bulk' }));
    await harness.publisher.publishMany(lanes.bulk.topic, bulk);
    let releaseBulk: () => void = () => undefined;
    const bulkHeld = new Promise<void>((resolve) => (releaseBulk = resolve));
    const handled: Array<{ lane: PriorityName; messageId: string }> = [];
    let bulkBatchesStarted = 0;
    consumer = new PriorityLaneConsumer(
      harness.kafka,
      harness.publisher,
      { groupId: 'lanes', ...TEST_RUNNER_TIMINGS },
      lanes,
      async (events, lane) => {
        if (lane === 'bulk') {
          bulkBatchesStarted += 1;
          // Stands for a slow bulk write: the batch stays in progress until the test lets it go.
          await bulkHeld;
        }
        for (const event of events)
          handled.push({ lane, messageId: (event.payload as MessageRequested).messageId });
      },
    );
    try {
      await consumer.start();
      await waitFor('a bulk batch in progress', () => bulkBatchesStarted > 0);

      const high = messageRequested({ priority: 'high' });
      await harness.publisher.publish(lanes.high.topic, high);
      await waitFor('the high-priority message handled', () =>
        handled.some((entry) => entry.messageId === high.messageId),
      );

      expect(handled).toEqual([{ lane: 'high', messageId: high.messageId }]);
    } finally {
      releaseBulk();
    }
    await waitFor('the bulk backlog drained', () => handled.length === bulk.length + 1);
    expect(handled.filter((entry) => entry.lane === 'bulk')).toHaveLength(bulk.length);
  });

  it('reads the normal lane in the hop’s existing group, so requests on the topic from before lanes are not stranded', async () => {
    const waiting = messageRequested({ priority: undefined });
    await harness.publisher.publish(lanes.normal.topic, waiting);
    const handled: Array<{ lane: PriorityName; messageId: string }> = [];
    consumer = new PriorityLaneConsumer(
      harness.kafka,
      harness.publisher,
      { groupId: 'ingest-like', ...TEST_RUNNER_TIMINGS },
      lanes,
      async (events, lane) => {
        for (const event of events)
          handled.push({ lane, messageId: (event.payload as MessageRequested).messageId });
      },
    );
    await consumer.start();

    await waitFor('the waiting request handled', () => handled.length === 1);
    expect(handled).toEqual([{ lane: 'normal', messageId: waiting.messageId }]);
    await waitFor(
      'the offset committed in the existing group',
      async () => (await harness.committedOffset('ingest-like', lanes.normal.topic)) === 1,
    );
    expect(highPriorityGroupId('ingest-like')).toBe('ingest-like.high');
    expect(consumer.isHealthy()).toBe(true);
  });
});
