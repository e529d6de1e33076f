import type { Clock } from './clock';
import { TokenBucket } from './token-bucket';

class ManualClock implements Clock {
  time = 1_000_000;
  now(): number {
    return this.time;
  }
}

describe('TokenBucket', () => {
  it('starts full and lets the burst through at once', () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket({ ratePerSecond: 10, burst: 3, clock });
    expect(bucket.tryTake()).toEqual({ granted: true });
    expect(bucket.tryTake(2)).toEqual({ granted: true });
    expect(bucket.tryTake()).toEqual({ granted: false, waitMs: 100 });
  });

  it('refills with time, never beyond the burst', () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket({ ratePerSecond: 10, burst: 5, clock });
    expect(bucket.tryTake(5).granted).toBe(true);
    clock.time += 250;
    expect(bucket.tryTake(3)).toEqual({ granted: false, waitMs: 50 });
    expect(bucket.tryTake(2)).toEqual({ granted: true });
    clock.time += 60_000;
    expect(bucket.available()).toBe(5);
  });

  it('keeps to the rate over a long run of callers', () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket({ ratePerSecond: 50, burst: 10, clock });
    let granted = 0;
    // Ten seconds of a caller asking every millisecond.
    for (let step = 0; step < 10_000; step += 1) {
      if (bucket.tryTake().granted) granted += 1;
      clock.time += 1;
    }
    expect(granted).toBeLessThanOrEqual(50 * 10 + 10);
    expect(granted).toBeGreaterThanOrEqual(50 * 10);
  });

  it('supports rates under one per second', () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket({ ratePerSecond: 0.5, burst: 1, clock });
    expect(bucket.tryTake().granted).toBe(true);
    expect(bucket.tryTake()).toEqual({ granted: false, waitMs: 2000 });
  });

  it('does not lose tokens when the clock steps back', () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket({ ratePerSecond: 1, burst: 2, clock });
    bucket.tryTake(1);
    clock.time -= 10_000;
    expect(bucket.available()).toBe(1);
  });

  it('refuses counts it could never grant and invalid options', () => {
    const bucket = new TokenBucket({ ratePerSecond: 1, burst: 2 });
    expect(() => bucket.tryTake(3)).toThrow(/must not be more than the burst \(2\)/);
    expect(() => bucket.tryTake(0)).toThrow(/token count/);
    expect(() => new TokenBucket({ ratePerSecond: 0, burst: 1 })).toThrow(/ratePerSecond/);
    expect(() => new TokenBucket({ ratePerSecond: 1, burst: 0.5 })).toThrow(/burst/);
  });
});
