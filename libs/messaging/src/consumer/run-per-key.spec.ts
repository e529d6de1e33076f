import { groupByKey, runPerKey } from './run-per-key';

interface Item {
  key: string | null;
  id: number;
}

const item = (key: string | null, id: number): Item => ({ key, id });
const keyOf = (entry: Item) => entry.key;

/** Lets the test decide when each piece of work finishes. */
function controllableWork() {
  const started: number[] = [];
  const finishers = new Map<number, (result: boolean) => void>();
  let running = 0;
  let mostAtOnce = 0;
  const work = (entry: Item) =>
    new Promise<boolean>((resolve) => {
      started.push(entry.id);
      running += 1;
      mostAtOnce = Math.max(mostAtOnce, running);
      finishers.set(entry.id, (result) => {
        running -= 1;
        resolve(result);
      });
    });
  const finish = async (id: number, result = true) => {
    const finishWork = finishers.get(id);
    if (!finishWork) throw new Error(`work ${id} has not started`);
    finishWork(result);
    await flush();
  };
  return { work, finish, started, mostAtOnce: () => mostAtOnce };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('groupByKey', () => {
  it('keeps each key in order and orders groups by their first item', () => {
    const groups = groupByKey([item('a', 1), item('b', 2), item('a', 3), item(null, 4), item('b', 5)], keyOf);
    expect(groups.map((group) => group.map((entry) => entry.id))).toEqual([[1, 3], [2, 5], [4]]);
  });

  it('gives every item without a key a group of its own', () => {
    expect(groupByKey([item(null, 1), item(null, 2)], keyOf)).toHaveLength(2);
  });
});

describe('runPerKey', () => {
  it('runs one item per key at a time, in order, while other keys proceed', async () => {
    const control = controllableWork();
    const done = runPerKey(
      [item('a', 1), item('a', 2), item('b', 3)],
      { keyOf, concurrency: 10 },
      control.work,
    );
    await flush();
    expect(control.started).toEqual([1, 3]);
    await control.finish(3);
    expect(control.started).toEqual([1, 3]);
    await control.finish(1);
    expect(control.started).toEqual([1, 3, 2]);
    await control.finish(2);
    await done;
  });

  it('never runs more keys at once than the concurrency allows', async () => {
    const control = controllableWork();
    const items = Array.from({ length: 6 }, (_, index) => item(`key-${index}`, index));
    const done = runPerKey(items, { keyOf, concurrency: 2 }, control.work);
    await flush();
    expect(control.started).toEqual([0, 1]);
    for (const id of [0, 1, 2, 3, 4, 5]) await control.finish(id);
    await done;
    expect(control.started).toEqual([0, 1, 2, 3, 4, 5]);
    expect(control.mostAtOnce()).toBe(2);
  });

  it('starts nothing more once shouldStart says no, and lets in-flight work finish', async () => {
    const control = controllableWork();
    let accepting = true;
    const done = runPerKey(
      [item('a', 1), item('a', 2), item('b', 3)],
      { keyOf, concurrency: 1, shouldStart: () => accepting },
      control.work,
    );
    await flush();
    accepting = false;
    await control.finish(1);
    await done;
    expect(control.started).toEqual([1]);
  });

  it('stops the rest of a key when its work resolves false, other keys carry on', async () => {
    const control = controllableWork();
    const done = runPerKey(
      [item('a', 1), item('a', 2), item('b', 3), item('b', 4)],
      { keyOf, concurrency: 2 },
      control.work,
    );
    await flush();
    await control.finish(1, false);
    await control.finish(3);
    await control.finish(4);
    await done;
    expect(control.started).toEqual([1, 3, 4]);
  });

  it('rethrows the first failure after in-flight work settled, starting nothing new', async () => {
    const control = controllableWork();
    const failing = async (entry: Item) => {
      if (entry.id === 1) throw new Error('dead letter could not be written');
      return control.work(entry);
    };
    let outcome: unknown = 'pending';
    const done = runPerKey(
      [item('a', 1), item('b', 2), item('c', 3)],
      { keyOf, concurrency: 2 },
      failing,
    ).then(
      () => (outcome = 'resolved'),
      (error: unknown) => (outcome = error),
    );
    await flush();
    expect(outcome).toBe('pending');
    await control.finish(2);
    await done;
    expect(outcome).toEqual(new Error('dead letter could not be written'));
    expect(control.started).toEqual([2]);
  });

  it('refuses a concurrency below one', async () => {
    await expect(runPerKey([], { keyOf, concurrency: 0 }, async () => true)).rejects.toThrow(
      'concurrency must be a positive integer, got 0',
    );
  });
});
