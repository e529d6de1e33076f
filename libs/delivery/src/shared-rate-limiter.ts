import type { PriorityName } from '@switchboard/contracts';
import { z } from 'zod';
import { systemClock, type Clock } from './clock';
import { parseArgument, parseOptions } from './delivery-error';
import { rateLimitSchema, tokenCountSchema } from './token-bucket';

/**
 * Runs one SQL statement with positional parameters ($1, $2, ...) and resolves with its rows,
 * e.g. `(sql, params) => pool.query(sql, params).then((result) => result.rows)`.
 */
export type SqlQuery = (sql: string, params: unknown[]) => Promise<Record<string, unknown>[]>;

export const SHARED_RATE_LIMITER_TABLE = 'rate_limit_buckets';

const schemaNameSchema = z
  .string()
  .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lower-case SQL identifier (letters, digits, underscores)');

/** The table every replica's limiter shares, one row per bucket; for the app's migrations. */
export function sharedRateLimiterTableSql(schema = 'public'): string {
  return `CREATE TABLE IF NOT EXISTS ${tableName(schema)} (
  bucket_key text PRIMARY KEY,
  tokens double precision NOT NULL,
  refilled_at timestamptz NOT NULL,
  granted_by_last_take integer NOT NULL
)`;
}

export function sharedRateLimiterDropTableSql(schema = 'public'): string {
  return `DROP TABLE IF EXISTS ${tableName(schema)}`;
}

function tableName(schema: string): string {
  parseArgument(schemaNameSchema, schema, 'schema name');
  return `"${schema}"."${SHARED_RATE_LIMITER_TABLE}"`;
}

/*
 * One statement creates the bucket full on first use, or refills it by the time since the last
 * take and takes tokens, under the row lock of ON CONFLICT DO UPDATE (which always reads the
 * latest committed row), so replicas never grant the same token twice. Time is the database's,
 * never a replica's clock; GREATEST keeps refilled_at from going back when a statement that
 * started earlier got the lock later. It takes between $4 (needed) and $5 (wanted) tokens, or
 * none when fewer than $4 are there above the $6 tokens held back for high priority (0 when high
 * priority asks), and records the count so RETURNING can report it.
 */
function takeTokensSql(schema: string): string {
  return `WITH first_take AS (
  SELECT CASE WHEN floor($3::float8 - $6::float8) >= $4::int
    THEN LEAST($5::int, floor($3::float8 - $6::float8))::int ELSE 0 END AS granted
)
INSERT INTO ${tableName(schema)} AS bucket (bucket_key, tokens, refilled_at, granted_by_last_take)
SELECT $1, $3::float8 - first_take.granted, statement_timestamp(), first_take.granted FROM first_take
ON CONFLICT (bucket_key) DO UPDATE SET (tokens, refilled_at, granted_by_last_take) = (
  SELECT decision.available - decision.granted, decision.taken_at, decision.granted
  FROM (
    SELECT refill.available, refill.taken_at,
      CASE WHEN floor(refill.available - $6::float8) >= $4::int
        THEN LEAST($5::int, floor(refill.available - $6::float8))::int ELSE 0 END AS granted
    FROM (
      SELECT clock.taken_at,
        LEAST($3::float8, bucket.tokens + EXTRACT(EPOCH FROM (clock.taken_at - bucket.refilled_at))::float8 * $2::float8) AS available
      FROM (SELECT GREATEST(bucket.refilled_at, statement_timestamp()) AS taken_at) AS clock
    ) AS refill
  ) AS decision
)
RETURNING granted_by_last_take AS granted, tokens AS remaining`;
}

const sharedRateLimiterOptionsSchema = rateLimitSchema
  .extend({
    query: z.custom<SqlQuery>(
      (value) => typeof value === 'function',
      'must be a function (sql, params) => rows',
    ),
    /** Names the shared bucket, e.g. `ses:eu-west-1`: limiters with the same key share one rate. */
    bucketKey: z.string().min(1).max(200),
    schema: schemaNameSchema.default('public'),
    /** Tokens taken from the database at once and handed out locally; defaults to ~0.1 s worth. */
    leaseSize: z.number().int().min(1).optional(),
    /**
     * The part of the burst that only high priority may take: normal and bulk never draw the bucket
     * below it, high may use it all. At least one token is always left to the others.
     */
    highPriorityShare: z.number().min(0).max(0.9).default(0),
    /** Leased tokens not used by then are dropped, so an idle replica cannot save up a burst. */
    leaseTtlMs: z.number().int().positive().default(1000),
    clock: z
      .custom<Clock>(
        (value) => typeof (value as Clock | undefined)?.now === 'function',
        'must have a now() method',
      )
      .default(systemClock),
  })
  .strict()
  .refine((options) => options.leaseSize === undefined || options.leaseSize <= options.burst, {
    path: ['leaseSize'],
    message: 'must not be more than burst',
  });

export type SharedRateLimiterOptions = z.input<typeof sharedRateLimiterOptionsSchema>;

/**
 * What tryAcquire decided. `remaining` is this replica's estimate of the tokens still there for
 * callers like it (its lease, and the shared bucket as last seen and refilled since): other
 * replicas may have taken some meanwhile, so it is a hint, never a promise.
 */
export type TryAcquireResult =
  { granted: true; remaining: number } | { granted: false; remaining: number; retryAfterMs: number };

export interface AcquireOptions {
  /** Only 'high' may take the tokens held back by highPriorityShare. Default 'normal'. */
  priority?: PriorityName;
}

/** Tokens taken from the database and handed out in this replica, with when they expire. */
class Lease {
  tokens = 0;
  expiresAt = 0;

  available(now: number): number {
    if (this.tokens > 0 && now >= this.expiresAt) this.tokens = 0;
    return this.tokens;
  }
}

const waitEstimateCountSchema = z.number().int().min(1);

// A floor on the wait between two asks of the database, so contention never becomes a hot loop.
const MINIMUM_WAIT_MS = 5;

/**
 * A token bucket shared by every replica through one PostgreSQL row, so that together they keep
 * to a provider's rate: over any period they take at most rate × period + burst tokens. Each
 * replica leases a few tokens per round trip and hands them out locally.
 *
 * With a high-priority share, normal and bulk callers stop while the bucket is down to that share
 * of the burst, so a high-priority call finds tokens at once and, while it waits, has the refill
 * to itself. High-priority callers queue apart from the others and never wait behind them.
 */
export class SharedRateLimiter {
  readonly bucketKey: string;
  readonly ratePerSecond: number;
  readonly burst: number;
  readonly leaseSize: number;
  /** Tokens of the burst that only high priority may take. */
  readonly reservedTokens: number;
  private readonly query: SqlQuery;
  private readonly sql: string;
  private readonly leaseTtlMs: number;
  private readonly clock: Clock;
  private readonly countSchema: z.ZodType<number>;
  private readonly unreservedCountSchema: z.ZodType<number>;
  /** Taken above the reserve: anyone may use them. */
  private readonly openLease = new Lease();
  /** Taken by high priority, possibly from the reserve: only high priority may use them. */
  private readonly reservedLease = new Lease();
  /**
   * Callers are served one at a time, in order, so a large request is not starved by small ones;
   * high priority has a queue of its own, so it never waits behind a caller held off the reserve.
   */
  private readonly queueTails: Record<'high' | 'other', Promise<void>> = {
    high: Promise.resolve(),
    other: Promise.resolve(),
  };
  /**
   * The shared bucket's tokens as the last statement left them, and when that statement was sent
   * (a little before the database ran it, so the refill since is never underestimated). Other
   * replicas only ever take, so the bucket now holds at most that plus the refill since.
   */
  private lastSeenShared: { tokens: number; askedAt: number } | undefined;

  constructor(options: SharedRateLimiterOptions) {
    const valid = parseOptions(sharedRateLimiterOptionsSchema, options, 'shared rate limiter');
    this.bucketKey = valid.bucketKey;
    this.ratePerSecond = valid.ratePerSecond;
    this.burst = valid.burst;
    this.leaseSize =
      valid.leaseSize ?? Math.max(1, Math.min(valid.burst, Math.floor(valid.ratePerSecond / 10)));
    this.leaseTtlMs = valid.leaseTtlMs;
    this.reservedTokens = Math.min(valid.highPriorityShare * valid.burst, valid.burst - 1);
    const unreserved = Math.floor(valid.burst - this.reservedTokens);
    this.unreservedCountSchema = z
      .number()
      .max(unreserved, `must not be more than the burst less the high-priority reserve (${unreserved})`);
    this.query = valid.query;
    this.clock = valid.clock;
    this.sql = takeTokensSql(valid.schema);
    this.countSchema = tokenCountSchema(valid.burst);
  }

  /**
   * Resolves once `count` tokens are granted; waits on timers in between, never spinning. An
   * abort rejects with the signal's reason and takes nothing more.
   */
  async acquire(count = 1, signal?: AbortSignal, options: AcquireOptions = {}): Promise<void> {
    parseArgument(this.countSchema, count, 'token count');
    signal?.throwIfAborted();
    const high = options.priority === 'high';
    if (!high) parseArgument(this.unreservedCountSchema, count, 'token count');
    const queue = high ? 'high' : 'other';
    const previous = this.queueTails[queue];
    const turn = waitUntilSettled(previous, signal).then(() => this.acquireInTurn(count, high, signal));
    this.queueTails[queue] = turn.then(
      () => undefined,
      () => undefined,
    );
    return turn;
  }

  /**
   * Takes `count` tokens now if there are any, never waiting for the refill: for callers that
   * refuse work rather than wait (an HTTP API answering 429). Calls queue behind this replica's
   * earlier ones only for their round trip, so a burst of calls shares one trip and its lease.
   * While the shared bucket cannot have refilled enough since it was last seen empty, it refuses
   * without asking the database, so a client that keeps hammering costs no query per call.
   */
  async tryAcquire(count = 1): Promise<TryAcquireResult> {
    parseArgument(this.countSchema, count, 'token count');
    parseArgument(this.unreservedCountSchema, count, 'token count');
    const previous = this.queueTails.other;
    const turn = previous.then(() => this.tryAcquireInTurn(count));
    this.queueTails.other = turn.then(
      () => undefined,
      () => undefined,
    );
    return turn;
  }

  /**
   * How long `count` tokens are from being there for a caller of this priority, in ms, without
   * waiting or asking the database: from this replica's lease and the shared bucket as last seen
   * and refilled since (full before the first ask). Other replicas may take tokens meanwhile, so it
   * is a lower bound, never a promise. `count` may exceed the burst: a scheduler in front of the
   * limiter asks how long its whole queue would take.
   */
  estimateWaitMs(count = 1, options: AcquireOptions = {}): number {
    parseArgument(waitEstimateCountSchema, count, 'token count');
    const high = options.priority === 'high';
    const reserve = high ? 0 : this.reservedTokens;
    const shared = Math.max(0, (this.sharedEstimate() ?? this.burst) - reserve);
    const missing = count - this.usableLeased(high) - shared;
    return missing <= 0 ? 0 : Math.ceil((missing / this.ratePerSecond) * 1000);
  }

  /** Tokens leased from the database and not handed out yet. */
  get leasedTokens(): number {
    const now = this.clock.now();
    return this.openLease.available(now) + this.reservedLease.available(now);
  }

  private async acquireInTurn(count: number, high: boolean, signal: AbortSignal | undefined): Promise<void> {
    const reserve = high ? 0 : this.reservedTokens;
    for (;;) {
      signal?.throwIfAborted();
      if (this.takeLeased(count, high)) return;
      const needed = count - this.usableLeased(high);
      const wanted = Math.min(this.burst, Math.max(needed, this.leaseSize));
      const { granted, remaining } = await this.takeShared(needed, wanted, reserve);
      if (granted > 0) {
        const lease = high ? this.reservedLease : this.openLease;
        lease.tokens += granted;
        lease.expiresAt = this.clock.now() + this.leaseTtlMs;
      }
      if (this.takeLeased(count, high)) return;
      const waitMs = Math.max(
        MINIMUM_WAIT_MS,
        Math.ceil(((needed + reserve - remaining) / this.ratePerSecond) * 1000),
      );
      await delay(waitMs, signal);
    }
  }

  private async tryAcquireInTurn(count: number): Promise<TryAcquireResult> {
    const reserve = this.reservedTokens;
    if (this.takeLeased(count, false)) return { granted: true, remaining: this.remainingEstimate() };
    const needed = count - this.usableLeased(false);
    const shared = this.sharedEstimate();
    if (shared === undefined || shared - reserve >= needed) {
      const wanted = Math.min(this.burst, Math.max(needed, this.leaseSize));
      const { granted } = await this.takeShared(needed, wanted, reserve);
      if (granted > 0) {
        this.openLease.tokens += granted;
        this.openLease.expiresAt = this.clock.now() + this.leaseTtlMs;
      }
      if (this.takeLeased(count, false)) return { granted: true, remaining: this.remainingEstimate() };
    }
    const missing = needed + reserve - (this.sharedEstimate() ?? 0);
    return {
      granted: false,
      // The estimate may already count refill the database did not have when it refused.
      remaining: Math.min(this.remainingEstimate(), count - 1),
      retryAfterMs: Math.max(1, Math.ceil((missing / this.ratePerSecond) * 1000)),
    };
  }

  /** At most this many tokens are in the shared bucket now; undefined before the first ask. */
  private sharedEstimate(): number | undefined {
    if (this.lastSeenShared === undefined) return undefined;
    const { tokens, askedAt } = this.lastSeenShared;
    const refilled = (Math.max(0, this.clock.now() - askedAt) / 1000) * this.ratePerSecond;
    return Math.min(this.burst, tokens + refilled);
  }

  private remainingEstimate(): number {
    const shared = Math.max(0, Math.floor((this.sharedEstimate() ?? this.burst) - this.reservedTokens));
    return this.usableLeased(false) + shared;
  }

  private usableLeased(high: boolean): number {
    const now = this.clock.now();
    return this.openLease.available(now) + (high ? this.reservedLease.available(now) : 0);
  }

  /** High priority spends its own lease first (it may hold reserved tokens), then the open one. */
  private takeLeased(count: number, high: boolean): boolean {
    if (this.usableLeased(high) < count) return false;
    let left = count;
    if (high) {
      const fromReserved = Math.min(left, this.reservedLease.tokens);
      this.reservedLease.tokens -= fromReserved;
      left -= fromReserved;
    }
    this.openLease.tokens -= left;
    return true;
  }

  private async takeShared(
    needed: number,
    wanted: number,
    reserve: number,
  ): Promise<{ granted: number; remaining: number }> {
    const askedAt = this.clock.now();
    const rows = await this.query(this.sql, [
      this.bucketKey,
      this.ratePerSecond,
      this.burst,
      needed,
      wanted,
      reserve,
    ]);
    const row = rows[0];
    const granted = Number(row?.granted);
    const remaining = Number(row?.remaining);
    if (!Number.isInteger(granted) || !Number.isFinite(remaining)) {
      throw new Error(
        `the rate limit bucket "${this.bucketKey}" query returned no usable row (got ${JSON.stringify(rows)}); ` +
          'the query function must resolve with the rows of the statement',
      );
    }
    this.lastSeenShared = { tokens: remaining, askedAt };
    return { granted, remaining };
  }
}

function waitUntilSettled(previous: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (signal === undefined) return previous;
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    void previous.then(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
  });
}

// An abort that came while the database was asked (before this wait began) ends the wait at
// once: the event has fired already and would never reach a listener added now.
function delay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
