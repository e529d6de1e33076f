import { z } from 'zod';
import type { Random } from './clock';
import { parseArgument, parseOptions } from './delivery-error';
import type { ProviderFailure } from './provider-failure';

const positiveMilliseconds = z.number().int().positive();

const retryPolicyOptionsSchema = z
  .object({
    /** Attempts in all, the first one included. */
    maxAttempts: z.number().int().min(1).default(8),
    /** No attempt starts later than this after the first one. */
    maxAgeMs: positiveMilliseconds.default(24 * 60 * 60 * 1000),
    baseDelayMs: positiveMilliseconds.default(1000),
    maxDelayMs: positiveMilliseconds.default(10 * 60 * 1000),
  })
  .strict()
  .refine((options) => options.maxDelayMs >= options.baseDelayMs, {
    path: ['maxDelayMs'],
    message: 'must be at least baseDelayMs',
  });

export type RetryPolicyOptions = z.input<typeof retryPolicyOptionsSchema>;

export interface RetryInput {
  /** The number of the attempt that just failed, from 1. */
  attempt: number;
  firstAttemptAt: Date;
  now: Date;
  failure: ProviderFailure;
  random: Random;
}

export type RetryGiveUpReason = 'permanent-failure' | 'attempts-exhausted' | 'max-age-exceeded';

export type RetryDecision =
  | { action: 'retry'; delayMs: number; notBefore: Date }
  | { action: 'give-up'; reason: RetryGiveUpReason; detail: string };

const retryInputSchema = z.object({
  attempt: z.number().int().min(1),
  firstAttemptAt: z.date().refine((date) => !Number.isNaN(date.getTime()), 'must be a valid date'),
  now: z.date().refine((date) => !Number.isNaN(date.getTime()), 'must be a valid date'),
  failure: z.object({
    kind: z.enum(['transient', 'throttled', 'permanent']),
    code: z.string(),
    reason: z.string(),
    retryAfterMs: z.number().nonnegative().optional(),
  }),
  random: z.custom<Random>((value) => typeof value === 'function', 'must be a function returning [0, 1)'),
});

/**
 * When to try a failed delivery again: exponential backoff with full jitter (a random delay
 * between 0 and the exponential ceiling), so that replicas retrying after one provider outage
 * do not all come back at the same moment.
 */
export class RetryPolicy {
  readonly maxAttempts: number;
  readonly maxAgeMs: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;

  constructor(options: RetryPolicyOptions = {}) {
    const valid = parseOptions(retryPolicyOptionsSchema, options, 'retry policy');
    this.maxAttempts = valid.maxAttempts;
    this.maxAgeMs = valid.maxAgeMs;
    this.baseDelayMs = valid.baseDelayMs;
    this.maxDelayMs = valid.maxDelayMs;
  }

  /** The ceiling of the jittered delay after the given failed attempt. */
  backoffCeilingMs(attempt: number): number {
    // 2^(attempt-1) overflows to Infinity long after it passes any sane maxDelayMs; min() keeps it finite.
    return Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (attempt - 1));
  }

  decideRetry(input: RetryInput): RetryDecision {
    const { attempt, firstAttemptAt, now, failure, random } = parseArgument(
      retryInputSchema,
      input,
      'retry input',
    );
    if (failure.kind === 'permanent') {
      return { action: 'give-up', reason: 'permanent-failure', detail: `${failure.code}: ${failure.reason}` };
    }
    if (attempt >= this.maxAttempts) {
      return {
        action: 'give-up',
        reason: 'attempts-exhausted',
        detail: `${attempt} of ${this.maxAttempts} attempts failed, the last with ${failure.code}`,
      };
    }
    const draw = random();
    if (!(draw >= 0 && draw < 1)) {
      throw new RangeError(`random() must return a number in [0, 1), got ${draw}`);
    }
    const jittered = Math.floor(draw * this.backoffCeilingMs(attempt));
    // The provider said how long it needs: retrying sooner would only be throttled again.
    const floor = failure.kind === 'throttled' ? (failure.retryAfterMs ?? 0) : 0;
    const delayMs = Math.max(jittered, Math.ceil(floor));
    const notBefore = new Date(now.getTime() + delayMs);
    const ageAtRetry = notBefore.getTime() - firstAttemptAt.getTime();
    if (ageAtRetry > this.maxAgeMs) {
      return {
        action: 'give-up',
        reason: 'max-age-exceeded',
        detail: `the next attempt would start ${ageAtRetry} ms after the first, over the ${this.maxAgeMs} ms limit (last failure ${failure.code})`,
      };
    }
    return { action: 'retry', delayMs, notBefore };
  }
}

const retryTiersSchema = z
  .array(z.looseObject({ delayMs: z.number().nonnegative() }))
  .min(1, 'must list at least one retry tier');

export interface RetryTier {
  /** How long the retry topic's consumer holds a message back. */
  delayMs: number;
}

/**
 * The retry topic for a delay: the largest tier not above it, so the tier never holds a message
 * longer than asked; the message carries its own not-before time and waits out the rest. A delay
 * below the smallest tier goes to the smallest one (every retry passes through a retry topic).
 */
export function retryTierFor<T extends RetryTier>(delayMs: number, tiers: readonly T[]): T {
  parseArgument(z.number().nonnegative(), delayMs, 'retry delay');
  parseArgument(retryTiersSchema, tiers, 'retry tiers');
  const sorted = [...tiers].sort((left, right) => left.delayMs - right.delayMs);
  let chosen = sorted[0];
  for (const tier of sorted) {
    if (tier.delayMs <= delayMs) chosen = tier;
  }
  return chosen;
}
