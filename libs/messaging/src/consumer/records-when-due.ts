import type { KafkaMessage } from 'kafkajs';
import type { BatchWork } from './batch-worker';
import type { ConsumerPauses } from './consumer-pauses';
import { splitDueRecords } from './due-records';
import type { HandledAhead } from './handled-ahead';
import { runPerKey } from './run-per-key';

export interface RecordsWhenDueOptions {
  concurrency: number;
  /** Records due within this long are handed over now (`handle` waits for their time). */
  holdDueWithinMs: number;
  handledAhead: HandledAhead;
  pauses: ConsumerPauses;
  dueAtOf(message: KafkaMessage): number | undefined;
  now?(): number;
}

/**
 * Handles a fetched batch's records as they come due, each key in order, without waiting long for
 * a record that is not due yet: those due within holdDueWithinMs of the batch's start are handed
 * over (`handle` waits for their time); the partition is then paused until that long before the
 * earliest record left's time, and the batch ends. The fetch of every other
 * partition and topic of the group goes on meanwhile (kafkajs fetches again only once each batch
 * of the last fetch has ended). The waiting records are not resolved, so the partition is read
 * again from the first of them once it is resumed; records handled beyond it are passed over then.
 * `handle` resolves false when it left the record for later (the consumer is stopping).
 */
export async function processRecordsWhenDue(
  work: BatchWork,
  messages: readonly KafkaMessage[],
  options: RecordsWhenDueOptions,
  handle: (message: KafkaMessage) => Promise<boolean>,
): Promise<void> {
  const { topic, partition, progress } = work;
  const { handledAhead } = options;
  const now = options.now ?? Date.now;
  const keyOf = (message: KafkaMessage) => message.key?.toString('utf8') ?? null;
  handledAhead.forgetBefore(topic, partition, messages[0].offset);
  let pending = messages.filter((message) => {
    if (!handledAhead.has(topic, partition, message.offset)) return true;
    progress.finished(message.offset);
    return false;
  });
  const leftKeys = new Set<string>();
  // Fixed for the whole batch, so that a steady stream of records coming due never keeps it going.
  const handOverUntil = now() + options.holdDueWithinMs;
  try {
    while (pending.length > 0 && work.mayContinue()) {
      const { due, waiting, nextDueAt } = splitDueRecords(pending, {
        keyOf,
        dueAtOf: options.dueAtOf,
        now: handOverUntil,
        blockedKeys: leftKeys,
      });
      if (due.length === 0) {
        // Records left only behind one that was left for later come back at the next fetch.
        if (nextDueAt !== undefined) {
          options.pauses.waitUntil(topic, partition, nextDueAt - options.holdDueWithinMs, now());
        }
        return;
      }
      await runPerKey(
        due,
        { keyOf, concurrency: options.concurrency, shouldStart: work.mayContinue },
        async (message) => {
          const finished = await handle(message);
          const key = keyOf(message);
          if (!finished && key !== null) leftKeys.add(key);
          return finished;
        },
      );
      pending = waiting;
    }
  } finally {
    handledAhead.remember(topic, partition, progress.finishedBeyondGap);
  }
}
