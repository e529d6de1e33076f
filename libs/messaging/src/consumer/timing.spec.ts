import { notBeforeTime, retryDelayMs, waitUnlessStopped } from './timing';

describe('retryDelayMs', () => {
  it('doubles after each failed attempt', () => {
    expect([1, 2, 3, 4].map((attempt) => retryDelayMs(attempt, 200))).toEqual([200, 400, 800, 1600]);
  });

  it('never waits more than 30 seconds', () => {
    expect(retryDelayMs(20, 200)).toBe(30_000);
  });
});

describe('notBeforeTime', () => {
  it('is the time a not-before header names', () => {
    expect(notBeforeTime('2026-03-01T10:00:01.500Z')).toBe(Date.parse('2026-03-01T10:00:01.500Z'));
  });

  it('lets an undated or unreadable record through at once', () => {
    expect(notBeforeTime(undefined)).toBeUndefined();
    expect(notBeforeTime('next tuesday')).toBeUndefined();
  });
});

describe('waitUnlessStopped', () => {
  it('resolves false at once when stopped during the wait', async () => {
    const stop = new AbortController();
    const waiting = waitUnlessStopped(60_000, stop.signal);
    stop.abort();
    await expect(waiting).resolves.toBe(false);
  });

  it('resolves true when the wait ends first', async () => {
    await expect(waitUnlessStopped(1, new AbortController().signal)).resolves.toBe(true);
  });
});
