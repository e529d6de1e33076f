import { splitDueRecords } from './due-records';

interface Record {
  offset: number;
  key: string | null;
  dueAt?: number;
}

const now = 1_000;
const split = (records: Record[], blockedKeys?: Set<string>) =>
  splitDueRecords(records, {
    keyOf: (record) => record.key,
    dueAtOf: (record) => record.dueAt,
    now,
    blockedKeys,
  });
const offsets = (records: Record[]) => records.map((record) => record.offset);

describe('splitDueRecords', () => {
  it('lets records that are due, or have no time, through in log order', () => {
    const { due, waiting, nextDueAt } = split([
      { offset: 1, key: 'a', dueAt: now - 10 },
      { offset: 2, key: 'b' },
      { offset: 3, key: 'c', dueAt: now },
    ]);

    expect(offsets(due)).toEqual([1, 2, 3]);
    expect(waiting).toEqual([]);
    expect(nextDueAt).toBeUndefined();
  });

  it('lets a due record of another key go ahead of one that is not due yet', () => {
    const { due, waiting, nextDueAt } = split([
      { offset: 1, key: 'a', dueAt: now + 9_000 },
      { offset: 2, key: 'b', dueAt: now - 1 },
      { offset: 3, key: 'c', dueAt: now + 500 },
    ]);

    expect(offsets(due)).toEqual([2]);
    expect(offsets(waiting)).toEqual([1, 3]);
    expect(nextDueAt).toBe(now + 500);
  });

  it('keeps a due record behind a waiting one of the same key, and its time out of the next due time', () => {
    const { due, waiting, nextDueAt } = split([
      { offset: 1, key: 'a', dueAt: now + 9_000 },
      { offset: 2, key: 'a', dueAt: now - 1 },
      { offset: 3, key: 'a', dueAt: now + 100 },
    ]);

    expect(due).toEqual([]);
    expect(offsets(waiting)).toEqual([1, 2, 3]);
    expect(nextDueAt).toBe(now + 9_000);
  });

  it('keeps no order for records without a key', () => {
    const { due, waiting } = split([
      { offset: 1, key: null, dueAt: now + 9_000 },
      { offset: 2, key: null, dueAt: now - 1 },
    ]);

    expect(offsets(due)).toEqual([2]);
    expect(offsets(waiting)).toEqual([1]);
  });

  it('holds every record of a key that was left behind, with no time to wait for', () => {
    const { due, waiting, nextDueAt } = split(
      [
        { offset: 4, key: 'a', dueAt: now - 1 },
        { offset: 5, key: 'b', dueAt: now - 1 },
      ],
      new Set(['a']),
    );

    expect(offsets(due)).toEqual([5]);
    expect(offsets(waiting)).toEqual([4]);
    expect(nextDueAt).toBeUndefined();
  });
});
