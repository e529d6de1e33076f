import {
  SharedRateLimiter,
  sharedRateLimiterDropTableSql,
  sharedRateLimiterTableSql,
} from './shared-rate-limiter';

const query = async () => [];

describe('sharedRateLimiterTableSql', () => {
  it('creates the bucket table in the named schema', () => {
    expect(sharedRateLimiterTableSql('sender_email')).toMatch(
      /^CREATE TABLE IF NOT EXISTS "sender_email"\."rate_limit_buckets" \(\n {2}bucket_key text PRIMARY KEY,/,
    );
    expect(sharedRateLimiterDropTableSql()).toBe('DROP TABLE IF EXISTS "public"."rate_limit_buckets"');
  });

  it('refuses a schema name that is not a plain identifier', () => {
    expect(() => sharedRateLimiterTableSql('public"; DROP TABLE x; --')).toThrow(/schema name/);
  });
});

describe('SharedRateLimiter options', () => {
  it('leases about a tenth of a second of tokens by default, within the burst', () => {
    expect(new SharedRateLimiter({ query, bucketKey: 'ses', ratePerSecond: 200, burst: 50 }).leaseSize).toBe(
      20,
    );
    expect(new SharedRateLimiter({ query, bucketKey: 'ses', ratePerSecond: 200, burst: 5 }).leaseSize).toBe(
      5,
    );
    expect(new SharedRateLimiter({ query, bucketKey: 'ses', ratePerSecond: 1, burst: 5 }).leaseSize).toBe(1);
  });

  it('names the field that is wrong', () => {
    expect(() => new SharedRateLimiter({ query, bucketKey: '', ratePerSecond: 1, burst: 1 })).toThrow(
      /bucketKey/,
    );
    expect(
      () => new SharedRateLimiter({ query, bucketKey: 'ses', ratePerSecond: 1, burst: 2, leaseSize: 3 }),
    ).toThrow(/leaseSize: must not be more than burst/);
    expect(
      () =>
        new SharedRateLimiter({ query: 'SELECT 1' as never, bucketKey: 'ses', ratePerSecond: 1, burst: 1 }),
    ).toThrow(/query: must be a function/);
  });

  it('reserves the high-priority share of the burst, always leaving a token to the others', () => {
    const limiter = (burst: number, highPriorityShare: number) =>
      new SharedRateLimiter({ query, bucketKey: 'ses', ratePerSecond: 10, burst, highPriorityShare });
    expect(limiter(14, 0.2).reservedTokens).toBeCloseTo(2.8);
    expect(limiter(14, 0).reservedTokens).toBe(0);
    expect(limiter(1, 0.2).reservedTokens).toBe(0);
    expect(() => limiter(14, 0.95)).toThrow(/highPriorityShare/);
  });

  it('refuses a normal-priority count that only the reserve could make up, before touching the database', async () => {
    let queries = 0;
    const limiter = new SharedRateLimiter({
      query: async () => {
        queries += 1;
        return [];
      },
      bucketKey: 'ses',
      ratePerSecond: 10,
      burst: 10,
      highPriorityShare: 0.2,
    });
    await expect(limiter.acquire(9)).rejects.toThrow(/less the high-priority reserve \(8\)/);
    await expect(limiter.acquire(9, undefined, { priority: 'high' })).rejects.toThrow(
      /rows of the statement/,
    );
    expect(queries).toBe(1);
  });

  it('refuses a count above the burst before touching the database', async () => {
    let queries = 0;
    const limiter = new SharedRateLimiter({
      query: async () => {
        queries += 1;
        return [];
      },
      bucketKey: 'ses',
      ratePerSecond: 10,
      burst: 2,
    });
    await expect(limiter.acquire(3)).rejects.toThrow(/must not be more than the burst \(2\)/);
    expect(queries).toBe(0);
  });

  it('says so when the query function does not return the rows', async () => {
    const limiter = new SharedRateLimiter({
      query: async () => [],
      bucketKey: 'ses',
      ratePerSecond: 10,
      burst: 2,
    });
    await expect(limiter.acquire()).rejects.toThrow(/must resolve with the rows of the statement/);
  });
});

describe('SharedRateLimiter waiting', () => {
  it('gives up at once when aborted while it was asking the database, instead of waiting for the refill', async () => {
    const answers: Array<(rows: Array<Record<string, unknown>>) => void> = [];
    const slowQuery = () =>
      new Promise<Array<Record<string, unknown>>>((resolveRows) => {
        answers.push(resolveRows);
      });
    const limiter = new SharedRateLimiter({
      query: slowQuery,
      bucketKey: 'ses',
      ratePerSecond: 0.01,
      burst: 1,
    });
    const stop = new AbortController();
    const acquired = limiter.acquire(1, stop.signal);
    await new Promise((resolve) => setImmediate(resolve));
    expect(answers).toHaveLength(1);

    stop.abort(new Error('the sender is stopping'));
    // The bucket is empty: without the abort, the next ask would be 100 s away.
    answers[0]([{ granted: 0, remaining: 0 }]);

    await expect(acquired).rejects.toThrow('the sender is stopping');
  });
});
