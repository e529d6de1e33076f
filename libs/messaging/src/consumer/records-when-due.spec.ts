import type { KafkaMessage } from 'kafkajs';
import type { BatchProgress } from './batch-progress';
import type { BatchWork } from './batch-worker';
import { ConsumerPauses } from './consumer-pauses';
import { ContiguousOffsets } from './contiguous-offsets';
import { HandledAhead } from './handled-ahead';
import { processRecordsWhenDue } from './records-when-due';

const now = 1_000_000;
const topic = 'sb.retry.sms.1s.v1';

function record(offset: number, key: string, dueAt?: number): KafkaMessage {
  return {
    offset: String(offset),
    key: Buffer.from(key),
    value: null,
    timestamp: String(now),
    attributes: 0,
    headers: dueAt === undefined ? {} : { dueAt: String(dueAt) },
  } as KafkaMessage;
}

/** One fetched batch of partition 0 and the offsets it finished (what it would resolve and commit). */
function batchOf(messages: KafkaMessage[]) {
  const offsets = new ContiguousOffsets(messages.map((message) => message.offset));
  const finished: string[] = [];
  const progress = {
    finished: (offset: string) => {
      finished.push(offset);
      offsets.markFinished(offset);
    },
    get finishedBeyondGap() {
      return offsets.finishedBeyondGap;
    },
    get committable() {
      return offsets.highestContiguous;
    },
  };
  const work: BatchWork = {
    topic,
    partition: 0,
    progress: progress as unknown as BatchProgress,
    mayContinue: () => true,
  };
  return { work, progress, finished };
}

describe('processRecordsWhenDue', () => {
  let pauses: ConsumerPauses;
  let handledAhead: HandledAhead;
  const handled: string[] = [];

  beforeEach(() => {
    jest.useFakeTimers({ now });
    pauses = new ConsumerPauses();
    handledAhead = new HandledAhead();
    handled.length = 0;
  });
  afterEach(() => {
    pauses.clearWaits();
    jest.useRealTimers();
  });

  const work = async (messages: KafkaMessage[], holdDueWithinMs = 0) => {
    const batch = batchOf(messages);
    await processRecordsWhenDue(
      batch.work,
      messages,
      {
        concurrency: 4,
        holdDueWithinMs,
        handledAhead,
        pauses,
        dueAtOf: (message) => (message.headers?.dueAt ? Number(message.headers.dueAt) : undefined),
      },
      async (message) => {
        handled.push(message.offset);
        batch.progress.finished(message.offset);
        return true;
      },
    );
    return batch;
  };

  it('handles the due records, and pauses the partition until the earliest waiting one is due', async () => {
    const batch = await work([record(10, 'a', now + 5_000), record(11, 'b'), record(12, 'c', now + 2_000)]);

    expect(handled).toEqual(['11']);
    expect(batch.progress.committable).toBeUndefined();
    expect(pauses.isWaiting(topic, 0)).toBe(true);
    jest.advanceTimersByTime(1_999);
    expect(pauses.isWaiting(topic, 0)).toBe(true);
    jest.advanceTimersByTime(1);
    expect(pauses.isWaiting(topic, 0)).toBe(false);
  });

  it('passes over the records it handled ahead when the partition is read again, and handles each once', async () => {
    const messages = [record(10, 'a', now + 2_000), record(11, 'b'), record(12, 'c')];
    await work(messages);
    expect(handled).toEqual(['11', '12']);

    jest.advanceTimersByTime(2_000);
    const again = await work(messages);

    expect(handled).toEqual(['11', '12', '10']);
    expect(again.progress.committable).toBe('12');
    expect(pauses.isWaiting(topic, 0)).toBe(false);
  });

  it('does not pause a partition whose every record is due', async () => {
    const batch = await work([record(10, 'a', now - 1), record(11, 'a')]);

    expect(handled).toEqual(['10', '11']);
    expect(batch.progress.committable).toBe('11');
    expect(pauses.isWaiting(topic, 0)).toBe(false);
  });

  it('hands over a record due within the hold, and pauses for a later one until that long before its time', async () => {
    await work([record(10, 'a', now + 800), record(11, 'b', now + 5_000)], 1_000);

    expect(handled).toEqual(['10']);
    jest.advanceTimersByTime(3_999);
    expect(pauses.isWaiting(topic, 0)).toBe(true);
    jest.advanceTimersByTime(1);
    expect(pauses.isWaiting(topic, 0)).toBe(false);
  });

  it("hands over only what is due within the hold of the batch's start, however the records are spread", async () => {
    const spaced = Array.from({ length: 10 }, (_, index) => record(10 + index, 'a', now + index * 400));
    const batch = batchOf(spaced);
    const working = processRecordsWhenDue(
      batch.work,
      spaced,
      {
        concurrency: 4,
        holdDueWithinMs: 1_000,
        handledAhead,
        pauses,
        dueAtOf: (message) => Number(message.headers?.dueAt),
      },
      async (message) => {
        // Waits for the record's time, as BatchWorker.processRecord does.
        await new Promise((resolve) => setTimeout(resolve, Number(message.headers?.dueAt) - Date.now()));
        handled.push(message.offset);
        batch.progress.finished(message.offset);
        return true;
      },
    );
    await jest.advanceTimersByTimeAsync(1_000);
    await working;

    // The batch ended; the rest is fetched again from offset 13.
    expect(handled).toEqual(['10', '11', '12']);
    expect(batch.progress.committable).toBe('12');
  });
});
