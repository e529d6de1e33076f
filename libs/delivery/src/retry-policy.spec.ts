import { seededRandom } from './clock';
import { DeliveryError } from './delivery-error';
import type { ProviderFailure } from './provider-failure';
import { RetryPolicy, retryTierFor } from './retry-policy';

const transient: ProviderFailure = { kind: 'transient', code: 'ECONNRESET', reason: 'read ECONNRESET' };
const throttled: ProviderFailure = { kind: 'throttled', code: 'Throttling', reason: 'Rate exceeded' };
const permanent: ProviderFailure = { kind: 'permanent', code: 'MessageRejected', reason: 'rejected' };

const firstAttemptAt = new Date('2026-03-01T10:00:00Z');
const policy = new RetryPolicy({
  maxAttempts: 6,
  maxAgeMs: 3_600_000,
  baseDelayMs: 1000,
  maxDelayMs: 60_000,
});

describe('RetryPolicy', () => {
  it('never retries a permanent failure', () => {
    expect(
      policy.decideRetry({
        attempt: 1,
        firstAttemptAt,
        now: firstAttemptAt,
        failure: permanent,
        random: () => 0.5,
      }),
    ).toEqual({ action: 'give-up', reason: 'permanent-failure', detail: 'MessageRejected: rejected' });
  });

  it('spreads delays with full jitter under the exponential ceiling', () => {
    const random = seededRandom(42);
    for (const attempt of [1, 2, 3, 4, 5]) {
      const ceiling = Math.min(60_000, 1000 * 2 ** (attempt - 1));
      const delays = Array.from({ length: 1000 }, () => {
        const decision = policy.decideRetry({
          attempt,
          firstAttemptAt,
          now: firstAttemptAt,
          failure: transient,
          random,
        });
        if (decision.action !== 'retry') throw new Error(`expected a retry, got ${JSON.stringify(decision)}`);
        expect(decision.notBefore.getTime()).toBe(firstAttemptAt.getTime() + decision.delayMs);
        return decision.delayMs;
      });
      expect(new Set(delays).size).toBeGreaterThan(100);
      expect(Math.min(...delays)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...delays)).toBeLessThan(ceiling);
      // Full jitter, not "ceiling plus a little": the spread covers most of [0, ceiling).
      expect(Math.min(...delays)).toBeLessThan(ceiling * 0.1);
      expect(Math.max(...delays)).toBeGreaterThan(ceiling * 0.9);
    }
  });

  it('caps the ceiling at maxDelayMs', () => {
    expect(policy.backoffCeilingMs(1)).toBe(1000);
    expect(policy.backoffCeilingMs(4)).toBe(8000);
    expect(policy.backoffCeilingMs(20)).toBe(60_000);
    expect(policy.backoffCeilingMs(5000)).toBe(60_000);
  });

  it('waits at least as long as a throttled provider asked', () => {
    const decision = policy.decideRetry({
      attempt: 1,
      firstAttemptAt,
      now: firstAttemptAt,
      failure: { ...throttled, retryAfterMs: 30_000 },
      random: () => 0.5,
    });
    expect(decision).toEqual({
      action: 'retry',
      delayMs: 30_000,
      notBefore: new Date(firstAttemptAt.getTime() + 30_000),
    });
    const withoutHint = policy.decideRetry({
      attempt: 1,
      firstAttemptAt,
      now: firstAttemptAt,
      failure: throttled,
      random: () => 0.5,
    });
    expect(withoutHint).toMatchObject({ action: 'retry', delayMs: 500 });
  });

  it('gives up once the attempts are used up', () => {
    const input = { firstAttemptAt, now: firstAttemptAt, failure: transient, random: () => 0.5 };
    expect(policy.decideRetry({ ...input, attempt: 5 }).action).toBe('retry');
    expect(policy.decideRetry({ ...input, attempt: 6 })).toMatchObject({
      action: 'give-up',
      reason: 'attempts-exhausted',
    });
  });

  it('gives up when the next attempt would start after the maximum age', () => {
    const input = { attempt: 3, firstAttemptAt, failure: transient, random: () => 0.5 };
    // 0.5 × 4000 ms: the retry would be at 3 600 001 ms, just past the limit.
    const late = new Date(firstAttemptAt.getTime() + 3_600_000 - 1999);
    expect(policy.decideRetry({ ...input, now: late })).toMatchObject({
      action: 'give-up',
      reason: 'max-age-exceeded',
    });
    const inTime = new Date(firstAttemptAt.getTime() + 3_600_000 - 2000);
    expect(policy.decideRetry({ ...input, now: inTime }).action).toBe('retry');
  });

  it('refuses invalid options and inputs, naming the field', () => {
    expect(() => new RetryPolicy({ baseDelayMs: 5000, maxDelayMs: 1000 })).toThrow(
      /maxDelayMs: must be at least baseDelayMs/,
    );
    expect(() => new RetryPolicy({ maxAttempts: 0 })).toThrow(DeliveryError);
    expect(() => new RetryPolicy({ maxAtempts: 3 } as never)).toThrow(/maxAtempts: is not a known field/);
    expect(() =>
      policy.decideRetry({
        attempt: 0,
        firstAttemptAt,
        now: firstAttemptAt,
        failure: transient,
        random: () => 0.5,
      }),
    ).toThrow(/attempt:/);
    expect(() =>
      policy.decideRetry({
        attempt: 1,
        firstAttemptAt,
        now: firstAttemptAt,
        failure: transient,
        random: () => 1,
      }),
    ).toThrow(/random\(\) must return a number in \[0, 1\)/);
  });

  it('has defaults', () => {
    const defaults = new RetryPolicy();
    expect(defaults).toMatchObject({
      maxAttempts: 8,
      baseDelayMs: 1000,
      maxDelayMs: 600_000,
      maxAgeMs: 86_400_000,
    });
  });
});

describe('retryTierFor', () => {
  const tiers = [
    { delayMs: 60_000, topic: 'sb.retry.email.60s.v1' },
    { delayMs: 1000, topic: 'sb.retry.email.1s.v1' },
    { delayMs: 600_000, topic: 'sb.retry.email.600s.v1' },
    { delayMs: 10_000, topic: 'sb.retry.email.10s.v1' },
  ];

  it('picks the largest tier not above the delay', () => {
    expect(retryTierFor(1000, tiers).topic).toBe('sb.retry.email.1s.v1');
    expect(retryTierFor(9999, tiers).topic).toBe('sb.retry.email.1s.v1');
    expect(retryTierFor(10_000, tiers).topic).toBe('sb.retry.email.10s.v1');
    expect(retryTierFor(599_999, tiers).topic).toBe('sb.retry.email.60s.v1');
    expect(retryTierFor(3_600_000, tiers).topic).toBe('sb.retry.email.600s.v1');
  });

  it('sends a delay below every tier to the smallest one', () => {
    expect(retryTierFor(0, tiers).topic).toBe('sb.retry.email.1s.v1');
    expect(retryTierFor(250, tiers).topic).toBe('sb.retry.email.1s.v1');
  });

  it('refuses an empty tier list or a negative delay', () => {
    expect(() => retryTierFor(1000, [])).toThrow(/must list at least one retry tier/);
    expect(() => retryTierFor(-1, tiers)).toThrow(DeliveryError);
    expect(() => retryTierFor(1000, [{ delayMs: -5 }])).toThrow(/0\.delayMs/);
  });
});
