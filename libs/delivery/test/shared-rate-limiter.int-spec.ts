import { createTestDatabase, type TestDatabase } from '@switchboard/testing';
import { Pool } from 'pg';
import { SharedRateLimiter, sharedRateLimiterTableSql, type SqlQuery } from '../src';

describe('SharedRateLimiter on PostgreSQL', () => {
  let database: TestDatabase;
  let pool: Pool;
  let query: SqlQuery;

  beforeAll(async () => {
    database = await createTestDatabase('sb_delivery_rate');
    pool = new Pool({ connectionString: database.url, max: 6 });
    query = async (sql, params) => (await pool.query(sql, params)).rows;
    await pool.query(sharedRateLimiterTableSql('public'));
  });

  afterAll(async () => {
    await pool?.end();
    await database?.drop();
  });

  it('keeps two replicas together within rate × elapsed + burst', async () => {
    const ratePerSecond = 50;
    const burst = 10;
    const replicas = [1, 2].map(
      () => new SharedRateLimiter({ query, bucketKey: 'ses:eu-west-1', ratePerSecond, burst, leaseSize: 5 }),
    );
    const grantedPerReplica = [0, 0];
    const startedAt = Date.now();
    const runUntil = startedAt + 2000;
    // Three concurrent senders per replica, each taking one token per message until the time is up.
    await Promise.all(
      replicas.flatMap((limiter, replica) =>
        [1, 2, 3].map(async () => {
          while (Date.now() < runUntil) {
            await limiter.acquire(1);
            grantedPerReplica[replica] += 1;
          }
        }),
      ),
    );
    const elapsedSeconds = (Date.now() - startedAt) / 1000;
    const granted = grantedPerReplica[0] + grantedPerReplica[1];

    expect(granted).toBeLessThanOrEqual(Math.floor(ratePerSecond * elapsedSeconds + burst));
    // Not just "refused everything": both replicas sent, and together most of what the rate allows.
    expect(grantedPerReplica[0]).toBeGreaterThan(0);
    expect(grantedPerReplica[1]).toBeGreaterThan(0);
    expect(granted).toBeGreaterThanOrEqual(ratePerSecond * 2 * 0.5);
  });

  it('holds the high-priority share of the burst back from bulk, and high priority takes it at once past a waiting bulk call', async () => {
    // So slow a refill that nothing comes back during the test: only the burst is there to share.
    const limiter = new SharedRateLimiter({
      query,
      bucketKey: 'ses:reserve',
      ratePerSecond: 0.01,
      burst: 10,
      highPriorityShare: 0.2,
      leaseSize: 1,
    });
    for (let sent = 0; sent < 8; sent += 1) await limiter.acquire(1, undefined, { priority: 'bulk' });
    const stopWaiting = new AbortController();
    let bulkGranted = false;
    const bulkWaiting = limiter.acquire(1, stopWaiting.signal, { priority: 'bulk' }).then(
      () => (bulkGranted = true),
      () => undefined,
    );

    await limiter.acquire(1, undefined, { priority: 'high' });
    await limiter.acquire(1, undefined, { priority: 'high' });

    expect(bulkGranted).toBe(false);
    const { rows } = await pool.query('SELECT tokens FROM rate_limit_buckets WHERE bucket_key = $1', [
      'ses:reserve',
    ]);
    expect(rows[0].tokens).toBeLessThan(1);
    stopWaiting.abort();
    await bulkWaiting;
    expect(bulkGranted).toBe(false);
  });

  it('lets normal priority use the whole rate while no high-priority call needs the reserve', async () => {
    const ratePerSecond = 100;
    const limiter = new SharedRateLimiter({
      query,
      bucketKey: 'ses:unreserved',
      ratePerSecond,
      burst: 10,
      highPriorityShare: 0.2,
    });
    const startedAt = Date.now();
    let granted = 0;
    while (Date.now() < startedAt + 1000) {
      await limiter.acquire(1);
      granted += 1;
    }
    const elapsedSeconds = (Date.now() - startedAt) / 1000;
    // All but the reserve of the burst, plus the refill: the reserve costs no throughput.
    expect(granted).toBeGreaterThanOrEqual(Math.floor(ratePerSecond * elapsedSeconds * 0.8));
    expect(granted).toBeLessThanOrEqual(Math.floor(ratePerSecond * elapsedSeconds + 8));
  });

  it('grants a whole burst at once and several tokens in one call', async () => {
    const limiter = new SharedRateLimiter({ query, bucketKey: 'sns:burst', ratePerSecond: 1, burst: 4 });
    await limiter.acquire(3);
    await limiter.acquire(1);
    const { rows } = await pool.query('SELECT tokens FROM rate_limit_buckets WHERE bucket_key = $1', [
      'sns:burst',
    ]);
    expect(rows[0].tokens).toBeLessThan(1);
  });

  it('stops waiting when the caller aborts, and takes nothing for it', async () => {
    const limiter = new SharedRateLimiter({ query, bucketKey: 'push:slow', ratePerSecond: 0.01, burst: 1 });
    await limiter.acquire(1);
    const controller = new AbortController();
    const waiting = limiter.acquire(1, controller.signal);
    const queued = limiter.acquire(1, controller.signal);
    controller.abort(new Error('sender is shutting down'));

    await expect(waiting).rejects.toThrow('sender is shutting down');
    await expect(queued).rejects.toThrow('sender is shutting down');
    expect(limiter.leasedTokens).toBe(0);
    await expect(limiter.acquire(1, AbortSignal.abort(new Error('already gone')))).rejects.toThrow(
      'already gone',
    );
  });

  it('tryAcquire keeps two replicas that refuse rather than wait within rate × elapsed + burst', async () => {
    const ratePerSecond = 50;
    const burst = 20;
    const replicas = [1, 2].map(
      () => new SharedRateLimiter({ query, bucketKey: 'gateway:tenant:acme', ratePerSecond, burst }),
    );
    const answers = { granted: 0, refused: 0 };
    const startedAt = Date.now();
    const runUntil = startedAt + 1500;
    // Four callers per replica asking as fast as answers come back: far more than the rate.
    await Promise.all(
      replicas.flatMap((limiter) =>
        [1, 2, 3, 4].map(async () => {
          while (Date.now() < runUntil) {
            const answer = await limiter.tryAcquire();
            if (answer.granted) answers.granted += 1;
            else {
              answers.refused += 1;
              expect(answer.retryAfterMs).toBeGreaterThan(0);
              // Refusals cost no round trip, so yield to let time pass as a client would.
              await new Promise((resolve) => setImmediate(resolve));
            }
          }
        }),
      ),
    );
    const elapsedSeconds = (Date.now() - startedAt) / 1000;

    expect(answers.granted).toBeLessThanOrEqual(Math.floor(ratePerSecond * elapsedSeconds + burst));
    expect(answers.granted).toBeGreaterThanOrEqual(Math.floor(ratePerSecond * elapsedSeconds * 0.5));
    expect(answers.refused).toBeGreaterThan(0);
  });

  it('lives in the schema the migration names', async () => {
    await pool.query('CREATE SCHEMA sender_sms');
    await pool.query(sharedRateLimiterTableSql('sender_sms'));
    const limiter = new SharedRateLimiter({
      query,
      bucketKey: 'sns:eu-west-1',
      ratePerSecond: 20,
      burst: 2,
      schema: 'sender_sms',
    });
    await limiter.acquire(2);
    const { rows } = await pool.query('SELECT bucket_key FROM sender_sms.rate_limit_buckets');
    expect(rows).toEqual([{ bucket_key: 'sns:eu-west-1' }]);
  });
});
