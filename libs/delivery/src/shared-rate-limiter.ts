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
 * none when fewer than $4 are there, and records the count so RETURNING can report it.
 */
function takeTokensSql(schema: string): string {
  return `INSERT INTO ${tableName(schema)} AS bucket (bucket_key, tokens, refilled_at, granted_by_last_take)
VALUES ($1, $3::float8 - LEAST($5::int, $3::float8), statement_timestamp(), LEAST($5::int, $3::float8)::int)
ON CONFLICT (bucket_key) DO UPDATE SET (tokens, refilled_at, granted_by_last_take) = (
  SELECT decision.available - decision.granted, decision.taken_at, decision.granted
  FROM (
    SELECT refill.available, refill.taken_at,
      CASE WHEN floor(refill.available) >= $4::int THEN LEAST($5::int, floor(refill.available))::int ELSE 0 END AS granted
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

// A floor on the wait between two asks of the database, so contention never becomes a hot loop.
const MINIMUM_WAIT_MS = 5;

/**
 * A token bucket shared by every replica through one PostgreSQL row, so that together they keep
 * to a provider's rate: over any period they take at most rate × period + burst tokens. Each
 * replica leases a few tokens per round trip and hands them out locally.
 */
export class SharedRateLimiter {
  readonly bucketKey: string;
  readonly ratePerSecond: number;
  readonly burst: number;
  readonly leaseSize: number;
  private readonly query: SqlQuery;
  private readonly sql: string;
  private readonly leaseTtlMs: number;
  private readonly clock: Clock;
  private readonly countSchema: z.ZodType<number>;
  private leased = 0;
  private leaseExpiresAt = 0;
  /** Callers are served one at a time, in order, so a large request is not starved by small ones. */
  private queueTail: Promise<void> = Promise.resolve();

  constructor(options: SharedRateLimiterOptions) {
    const valid = parseOptions(sharedRateLimiterOptionsSchema, options, 'shared rate limiter');
    this.bucketKey = valid.bucketKey;
    this.ratePerSecond = valid.ratePerSecond;
    this.burst = valid.burst;
    this.leaseSize =
      valid.leaseSize ?? Math.max(1, Math.min(valid.burst, Math.floor(valid.ratePerSecond / 10)));
    this.leaseTtlMs = valid.leaseTtlMs;
    this.query = valid.query;
    this.clock = valid.clock;
    this.sql = takeTokensSql(valid.schema);
    this.countSchema = tokenCountSchema(valid.burst);
  }

  /**
   * Resolves once `count` tokens are granted; waits on timers in between, never spinning. An
   * abort rejects with the signal's reason and takes nothing more.
   */
  async acquire(count = 1, signal?: AbortSignal): Promise<void> {
    parseArgument(this.countSchema, count, 'token count');
    signal?.throwIfAborted();
    const previous = this.queueTail;
    const turn = waitUntilSettled(previous, signal).then(() => this.acquireInTurn(count, signal));
    this.queueTail = turn.then(
      () => undefined,
      () => undefined,
    );
    return turn;
  }

  /** Tokens leased from the database and not handed out yet. */
  get leasedTokens(): number {
    this.dropExpiredLease();
    return this.leased;
  }

  private async acquireInTurn(count: number, signal: AbortSignal | undefined): Promise<void> {
    for (;;) {
      signal?.throwIfAborted();
      if (this.takeLeased(count)) return;
      const needed = count - this.leased;
      const wanted = Math.min(this.burst, Math.max(needed, this.leaseSize));
      const { granted, remaining } = await this.takeShared(needed, wanted);
      if (granted > 0) {
        this.leased += granted;
        this.leaseExpiresAt = this.clock.now() + this.leaseTtlMs;
      }
      if (this.takeLeased(count)) return;
      const waitMs = Math.max(MINIMUM_WAIT_MS, Math.ceil(((needed - remaining) / this.ratePerSecond) * 1000));
      await delay(waitMs, signal);
    }
  }

  private takeLeased(count: number): boolean {
    this.dropExpiredLease();
    if (this.leased < count) return false;
    this.leased -= count;
    return true;
  }

  private dropExpiredLease(): void {
    if (this.leased > 0 && this.clock.now() >= this.leaseExpiresAt) this.leased = 0;
  }

  private async takeShared(needed: number, wanted: number): Promise<{ granted: number; remaining: number }> {
    const rows = await this.query(this.sql, [this.bucketKey, this.ratePerSecond, this.burst, needed, wanted]);
    const row = rows[0];
    const granted = Number(row?.granted);
    const remaining = Number(row?.remaining);
    if (!Number.isInteger(granted) || !Number.isFinite(remaining)) {
      throw new Error(
        `the rate limit bucket "${this.bucketKey}" query returned no usable row (got ${JSON.stringify(rows)}); ` +
          'the query function must resolve with the rows of the statement',
      );
    }
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

function delay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise<void>((resolve, reject) => {
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
