import { CoalescingBatcher } from './coalescing-batcher';

describe('CoalescingBatcher', () => {
  it('hands items submitted together to one call and answers each with its own result', async () => {
    const calls: number[][] = [];
    const batcher = new CoalescingBatcher(async (items: number[]) => {
      calls.push(items);
      return items.map((item) => item * 10);
    });

    const results = await Promise.all([batcher.submit(1), batcher.submit(2), batcher.submit(3)]);

    expect(results).toEqual([10, 20, 30]);
    expect(calls).toEqual([[1, 2, 3]]);
  });

  it('starts a new call for items submitted after the previous one went out', async () => {
    const calls: number[][] = [];
    const batcher = new CoalescingBatcher(async (items: number[]) => {
      calls.push(items);
      return items;
    });

    await batcher.submit(1);
    await batcher.submit(2);

    expect(calls).toEqual([[1], [2]]);
  });

  it('fails every item of a call that fails', async () => {
    const batcher = new CoalescingBatcher(async (): Promise<number[]> => {
      throw new Error('database unavailable');
    });

    const results = await Promise.allSettled([batcher.submit(1), batcher.submit(2)]);

    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
  });

  it('fails the items when the work answers a different number of results', async () => {
    const batcher = new CoalescingBatcher(async () => [1]);

    await expect(Promise.all([batcher.submit(1), batcher.submit(2)])).rejects.toThrow(
      'the batch work returned 1 results for 2 items',
    );
  });
});
