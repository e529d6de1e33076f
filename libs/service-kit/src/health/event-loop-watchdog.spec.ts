import { EventLoopWatchdog } from './event-loop-watchdog';

function watchdog() {
  const warnings: string[] = [];
  const dog = new EventLoopWatchdog(
    { warnAfterMs: 200, failLivenessAfterMs: 1_000, windowMs: 10_000 },
    { warn: (message: string) => warnings.push(message) },
    () => 0,
  );
  return { dog, warnings };
}

describe('EventLoopWatchdog', () => {
  it('stays quiet and live while the loop is never late past the warning threshold', () => {
    const { dog, warnings } = watchdog();

    dog.record(3, 1_000);
    dog.record(150, 2_000);

    expect(warnings).toEqual([]);
    expect(dog.liveness(2_000)).toBeUndefined();
  });

  it('warns of a block past the warning threshold, naming how long, without failing liveness', () => {
    const { dog, warnings } = watchdog();

    dog.record(450, 1_000);

    expect(warnings).toEqual([expect.stringContaining('the event loop was blocked for 450 ms')]);
    expect(dog.liveness(1_000)).toBeUndefined();
  });

  it('fails liveness after a long block, naming the longest, until the window has passed', () => {
    const { dog } = watchdog();

    dog.record(1_500, 1_000);
    dog.record(4_000, 3_000);

    expect(dog.liveness(5_000)).toEqual({
      blockedMs: 4_000,
      secondsAgo: 2,
      thresholdMs: 1_000,
      windowMs: 10_000,
    });
    expect(dog.liveness(12_999)?.blockedMs).toBe(4_000);
    expect(dog.liveness(13_001)).toBeUndefined();
  });
});
