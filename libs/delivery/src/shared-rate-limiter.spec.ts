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

/**
 * The take statement's rule on one bucket in memory, with the test's clock standing in for the
 * database's: full at first, refilled by the time since the last take, then between needed and
 * wanted tokens above the reserve, or none.
 */
function bucketInMemory(clock: { now(): number }) {
  const buckets = new Map<string, { tokens: number; refilledAt: number }>();
  let statements = 0;
  const query = async (_sql: string, params: unknown[]) => {
    statements += 1;
    const [key, rate, burst, needed, wanted, reserve] = params as [
      string,
      number,
      number,
      number,
      number,
      number,
    ];
    const bucket = buckets.get(key) ?? { tokens: burst, refilledAt: clock.now() };
    const available = Math.min(burst, bucket.tokens + ((clock.now() - bucket.refilledAt) / 1000) * rate);
    const above = Math.floor(available - reserve);
    const granted = above >= needed ? Math.min(wanted, above) : 0;
    buckets.set(key, { tokens: available - granted, refilledAt: clock.now() });
    return [{ granted, remaining: available - granted }];
  };
  return { query, statements: () => statements };
}

describe('SharedRateLimiter tryAcquire', () => {
  const at = (start: number) => {
    let now = start;
    return { now: () => now, advance: (ms: number) => (now += ms) };
  };

  it('grants from its lease without a round trip, then refuses with the time until a token is back', async () => {
    const clock = at(1_000_000);
    const bucket = bucketInMemory(clock);
    const limiter = new SharedRateLimiter({
      query: bucket.query,
      clock,
      bucketKey: 'gateway:key',
      ratePerSecond: 10,
      burst: 5,
      leaseSize: 5,
    });

    const answers = [];
    for (let call = 0; call < 6; call += 1) answers.push(await limiter.tryAcquire());

    expect(answers.slice(0, 5).map((answer) => answer.granted)).toEqual([true, true, true, true, true]);
    expect(answers.map((answer) => answer.remaining)).toEqual([4, 3, 2, 1, 0, 0]);
    expect(answers[5]).toEqual({ granted: false, remaining: 0, retryAfterMs: 100 });
    // One trip leased all five; the refusal knew the bucket was empty without a second one.
    expect(bucket.statements()).toBe(1);
  });

  it('asks the database again only once the refill could have brought a token back', async () => {
    const clock = at(1_000_000);
    const bucket = bucketInMemory(clock);
    const limiter = new SharedRateLimiter({
      query: bucket.query,
      clock,
      bucketKey: 'gateway:key',
      ratePerSecond: 10,
      burst: 2,
      leaseSize: 2,
    });
    await limiter.tryAcquire();
    await limiter.tryAcquire();

    clock.advance(60);
    expect(await limiter.tryAcquire()).toEqual({ granted: false, remaining: 0, retryAfterMs: 40 });
    expect(bucket.statements()).toBe(1);

    clock.advance(40);
    expect(await limiter.tryAcquire()).toMatchObject({ granted: true });
    expect(bucket.statements()).toBe(2);
  });

  it('shares one round trip among calls that arrive together', async () => {
    const clock = at(1_000_000);
    const bucket = bucketInMemory(clock);
    const limiter = new SharedRateLimiter({
      query: bucket.query,
      clock,
      bucketKey: 'gateway:key',
      ratePerSecond: 100,
      burst: 20,
      leaseSize: 10,
    });

    const answers = await Promise.all(Array.from({ length: 10 }, () => limiter.tryAcquire()));

    expect(answers.every((answer) => answer.granted)).toBe(true);
    expect(bucket.statements()).toBe(1);
  });

  it('sees what another replica took: two limiters on one bucket grant no more than the burst', async () => {
    const clock = at(1_000_000);
    const bucket = bucketInMemory(clock);
    const replicas = [1, 2].map(
      () =>
        new SharedRateLimiter({
          query: bucket.query,
          clock,
          bucketKey: 'gateway:tenant',
          ratePerSecond: 1,
          burst: 8,
          leaseSize: 3,
        }),
    );

    let granted = 0;
    for (let call = 0; call < 20; call += 1) {
      if ((await replicas[call % 2].tryAcquire()).granted) granted += 1;
    }

    expect(granted).toBe(8);
  });

  it('validates the count like acquire does', async () => {
    const limiter = new SharedRateLimiter({ query, bucketKey: 'ses', ratePerSecond: 10, burst: 2 });
    await expect(limiter.tryAcquire(3)).rejects.toThrow(/token count.*must not be more than the burst \(2\)/);
  });
});

describe('SharedRateLimiter estimateWaitMs', () => {
  const at = (start: number) => {
    let now = start;
    return { now: () => now, advance: (ms: number) => (now += ms) };
  };

  it('says a full bucket serves at once and how long the tokens beyond it take, without asking the database', () => {
    const clock = at(1_000_000);
    const bucket = bucketInMemory(clock);
    const limiter = new SharedRateLimiter({
      query: bucket.query,
      clock,
      bucketKey: 'sms:sns',
      ratePerSecond: 50,
      burst: 10,
    });

    expect(limiter.estimateWaitMs(10)).toBe(0);
    // 40 tokens beyond the burst of 10, at 50 a second.
    expect(limiter.estimateWaitMs(50)).toBe(800);
    expect(bucket.statements()).toBe(0);
  });

  it('counts what was taken, the refill since, and the reserve only high priority may use', async () => {
    const clock = at(1_000_000);
    const bucket = bucketInMemory(clock);
    const limiter = new SharedRateLimiter({
      query: bucket.query,
      clock,
      bucketKey: 'sms:sns',
      ratePerSecond: 10,
      burst: 10,
      leaseSize: 2,
      highPriorityShare: 0.2,
    });
    // Takes the 8 tokens above the reserve of 2, leasing them two at a time, and hands them out.
    for (let call = 0; call < 8; call += 1) await limiter.acquire(1);

    expect(limiter.estimateWaitMs(1)).toBe(100);
    expect(limiter.estimateWaitMs(1, { priority: 'high' })).toBe(0);
    expect(limiter.estimateWaitMs(3, { priority: 'high' })).toBe(100);

    clock.advance(250);
    expect(limiter.estimateWaitMs(1)).toBe(0);
    expect(limiter.estimateWaitMs(5)).toBe(250);
  });

  it('refuses a count that is not a positive whole number', () => {
    const limiter = new SharedRateLimiter({ query, bucketKey: 'ses', ratePerSecond: 10, burst: 2 });
    expect(() => limiter.estimateWaitMs(0)).toThrow(/token count/);
    expect(() => limiter.estimateWaitMs(1.5)).toThrow(/token count/);
  });
});
