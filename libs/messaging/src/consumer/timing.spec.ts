import { delayUntilDue, retryDelayMs, waitUnlessStopped } from './timing';

describe('retryDelayMs', () => {
  it('doubles after each failed attempt', () => {
    expect([1, 2, 3, 4].map((attempt) => retryDelayMs(attempt, 200))).toEqual([200, 400, 800, 1600]);
  });

  it('never waits more than 30 seconds', () => {
    expect(retryDelayMs(20, 200)).toBe(30_000);
  });
});

describe('delayUntilDue', () => {
  const now = Date.parse('2026-03-01T10:00:00.000Z');

  it('holds an event until its not-before time', () => {
    expect(delayUntilDue('2026-03-01T10:00:01.500Z', now)).toBe(1500);
  });

  it('lets an event that is due, undated or unreadable through at once', () => {
    expect(delayUntilDue('2026-03-01T09:00:00.000Z', now)).toBe(0);
    expect(delayUntilDue(undefined, now)).toBe(0);
    expect(delayUntilDue('next tuesday', now)).toBe(0);
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
