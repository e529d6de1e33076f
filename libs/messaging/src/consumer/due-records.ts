export interface DueRecordOptions<T> {
  /** Records with the same key are handled in log order; a null key has no order to keep. */
  keyOf(record: T): string | null;
  /** When the record may be handled (its not-before time); undefined when it may be at once. */
  dueAtOf(record: T): number | undefined;
  now: number;
  /** Keys whose next record must wait whatever its time (an earlier record of theirs was left). */
  blockedKeys?: ReadonlySet<string>;
}

export interface DueRecords<T> {
  /** May be handled now, in log order. */
  due: T[];
  /** Not yet due, or behind a record of the same key that is not. */
  waiting: T[];
  /** The earliest time a waiting record may be handled; undefined when none is waiting for a time. */
  nextDueAt: number | undefined;
}

/**
 * Splits a fetched batch into the records that may be handled now and those that wait for their
 * not-before time. A record behind a waiting one of the same key waits with it, so each key stays
 * in order; a record of another key goes ahead. Retry tiers are not ordered by time within a
 * partition (a tier holds delays up to the next tier's), so stopping at the first record not yet
 * due would hold every later one, due or not, until then.
 */
export function splitDueRecords<T>(records: readonly T[], options: DueRecordOptions<T>): DueRecords<T> {
  const blocked = new Set(options.blockedKeys);
  const due: T[] = [];
  const waiting: T[] = [];
  let nextDueAt: number | undefined;
  for (const record of records) {
    const key = options.keyOf(record);
    if (key !== null && blocked.has(key)) {
      waiting.push(record);
      continue;
    }
    const dueAt = options.dueAtOf(record);
    if (dueAt === undefined || dueAt <= options.now) {
      due.push(record);
      continue;
    }
    waiting.push(record);
    if (key !== null) blocked.add(key);
    if (nextDueAt === undefined || dueAt < nextDueAt) nextDueAt = dueAt;
  }
  return { due, waiting, nextDueAt };
}
