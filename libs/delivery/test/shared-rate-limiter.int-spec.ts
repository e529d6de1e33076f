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
