import { z } from 'zod';
import { systemClock, type Clock } from './clock';
import { parseArgument, parseOptions } from './delivery-error';

export const rateLimitSchema = z.object({
  /** Tokens added per second, e.g. a provider's sends per second; may be fractional. */
  ratePerSecond: z.number().positive().finite(),
  /** The most tokens that can pile up, and so the most calls let through at once. */
  burst: z.number().int().min(1),
});

const tokenBucketOptionsSchema = rateLimitSchema
  .extend({
    clock: z
      .custom<Clock>(
        (value) => typeof (value as Clock | undefined)?.now === 'function',
        'must have a now() method',
      )
      .default(systemClock),
  })
  .strict();

export type TokenBucketOptions = z.input<typeof tokenBucketOptionsSchema>;

export type TokenGrant = { granted: true } | { granted: false; waitMs: number };

/** The tokens asked for; more than the burst could never be granted, so it is refused outright. */
export function tokenCountSchema(burst: number) {
  return z.number().int().min(1).max(burst, `must not be more than the burst (${burst})`);
}

/**
 * A token bucket for one process: starts full, refills continuously, and either grants tokens
 * now or says how long until it could. It never waits by itself; the caller decides how.
 */
export class TokenBucket {
  readonly ratePerSecond: number;
  readonly burst: number;
  private readonly clock: Clock;
  private readonly countSchema: z.ZodType<number>;
  private tokens: number;
  private refilledAt: number;

  constructor(options: TokenBucketOptions) {
    const valid = parseOptions(tokenBucketOptionsSchema, options, 'token bucket');
    this.ratePerSecond = valid.ratePerSecond;
    this.burst = valid.burst;
    this.clock = valid.clock;
    this.countSchema = tokenCountSchema(this.burst);
    this.tokens = this.burst;
    this.refilledAt = this.clock.now();
  }

  tryTake(count = 1): TokenGrant {
    parseArgument(this.countSchema, count, 'token count');
    this.refill();
    if (this.tokens >= count) {
      this.tokens -= count;
      return { granted: true };
    }
    return { granted: false, waitMs: Math.ceil(((count - this.tokens) / this.ratePerSecond) * 1000) };
  }

  /** Tokens there now, fractions included. */
  available(): number {
    this.refill();
    return this.tokens;
  }

  private refill(): void {
    const now = this.clock.now();
    // A clock that steps back (an NTP correction) must not take tokens away.
    const elapsedMs = Math.max(0, now - this.refilledAt);
    this.tokens = Math.min(this.burst, this.tokens + (elapsedMs / 1000) * this.ratePerSecond);
    this.refilledAt = Math.max(now, this.refilledAt);
  }
}
