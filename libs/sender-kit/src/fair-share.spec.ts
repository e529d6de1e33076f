import type { PriorityName } from '@switchboard/contracts';
import { FairShare, type Admission, type FairShareOptions, type Slot } from './fair-share';

const START = Date.parse('2026-05-01T10:00:00Z');

/** A limiter whose tokens the test hands out one at a time, and whose wait estimate it sets. */
function handedOutLimiter(ratePerSecond: number) {
  const asks: Array<{ priority: PriorityName | undefined; grant(): void; signal?: AbortSignal }> = [];
  let estimate: ((count: number) => number) | undefined = () => 0;
  const limiter = {
    ratePerSecond,
    burst: 1,
    acquire: (_count: number, signal?: AbortSignal, options?: { priority?: PriorityName }) =>
      new Promise<void>((resolve, reject) => {
        signal?.throwIfAborted();
        const onAbort = () => reject(signal?.reason);
        signal?.addEventListener('abort', onAbort, { once: true });
        const grant = () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        };
        asks.push({ priority: options?.priority, grant, signal });
      }),
    get estimateWaitMs() {
      return estimate;
    },
  };
  return {
    limiter,
    setEstimate: (next: ((count: number) => number) | undefined) => (estimate = next),
    /** Grants the token asked for longest ago, then lets the queue pick its next ticket. */
    grant: async () => {
      asks.shift()?.grant();
      await new Promise((resolve) => setImmediate(resolve));
    },
    asked: () => asks.length,
  };
}

function setUp(options: Partial<FairShareOptions> & { ratePerSecond?: number } = {}) {
  let time = START;
  const clock = { now: () => time };
  const tokens = handedOutLimiter(options.ratePerSecond ?? 10);
  const fairShare = new FairShare({
    rateLimiter: tokens.limiter,
    maxWaitMs: options.maxWaitMs ?? Number.POSITIVE_INFINITY,
    activeWindowMs: options.activeWindowMs,
    clock,
  });
  const signal = new AbortController().signal;
  const served: string[] = [];
  /** Admits a dispatch of the tenant and, if it gets a turn, notes its name once served. */
  const admit = (
    tenant: string,
    name: string,
    priority: PriorityName = 'normal',
    admitOptions: { mustWait?: boolean } = {},
  ): Admission => {
    const admission = fairShare.admit(tenant, priority, signal, admitOptions);
    if (admission.admitted) void admission.turn.granted.then(() => served.push(name));
    return admission;
  };
  return {
    fairShare,
    tokens,
    served,
    admit,
    advance: (ms: number) => (time += ms),
    /** How far off a put-off dispatch's time is; undefined when it was not put off. */
    putOffBy: (answer: Admission | Slot) => ('until' in answer ? answer.until.getTime() - time : undefined),
  };
}

describe('FairShare turns', () => {
  it("serves a tenant's one waiting dispatch within two turns, not after another tenant's nineteen", async () => {
    const test = setUp();
    for (let index = 0; index < 20; index += 1) test.admit('busy', `busy-${index}`);
    test.admit('quiet', 'quiet-0');

    for (let grant = 0; grant < 21; grant += 1) await test.tokens.grant();

    expect(test.served).toHaveLength(21);
    // busy-0 was being served when quiet came; busy went on to the back of the line after busy-1.
    expect(test.served.indexOf('quiet-0')).toBeLessThanOrEqual(2);
    expect(test.served.filter((name) => name.startsWith('busy'))).toEqual(
      Array.from({ length: 20 }, (_, index) => `busy-${index}`),
    );
  });

  it('serves normal priority before bulk, whatever the tenants', async () => {
    const test = setUp();
    for (let index = 0; index < 3; index += 1) test.admit('bulk-sender', `bulk-${index}`, 'bulk');
    test.admit('other', 'normal-0', 'normal');

    for (let grant = 0; grant < 4; grant += 1) await test.tokens.grant();

    expect(test.served).toEqual(['bulk-0', 'normal-0', 'bulk-1', 'bulk-2']);
  });

  it('gives a cancelled turn no token, and an aborted one an error', async () => {
    const test = setUp();
    test.admit('a', 'a-0');
    const cancelled = test.fairShare.admit('a', 'normal', new AbortController().signal);
    const stop = new AbortController();
    const aborted = test.fairShare.admit('b', 'normal', stop.signal);
    test.admit('c', 'c-0');
    if (!cancelled.admitted || !aborted.admitted) throw new Error('expected turns');

    cancelled.turn.cancel();
    stop.abort(new Error('stopping'));
    await expect(cancelled.turn.granted).rejects.toThrow('the turn was cancelled');
    await test.tokens.grant();
    await expect(aborted.turn.granted).rejects.toThrow('stopping');
    await test.tokens.grant();

    expect(test.served).toEqual(['a-0', 'c-0']);
    expect(test.fairShare.waitingCount).toBe(0);
  });
});

describe('FairShare schedules', () => {
  it('lets a lone tenant use the whole rate and puts its excess off spaced at that rate', () => {
    const test = setUp({ ratePerSecond: 10, maxWaitMs: 1000 });

    const slots = Array.from({ length: 14 }, () => test.fairShare.schedule('lone', 'normal'));

    // Its schedule moves 100 ms a dispatch: 0 ms to 1000 ms are within the wait allowed.
    expect(slots.filter((slot) => slot.due)).toHaveLength(11);
    expect(slots.slice(11).map(test.putOffBy)).toEqual([1100, 1200, 1300]);
  });

  it("halves a tenant's share while another is active, and gives the newcomer its slot at once", () => {
    const test = setUp({ ratePerSecond: 10, maxWaitMs: 1000, activeWindowMs: 5000 });
    for (let index = 0; index < 11; index += 1) test.fairShare.schedule('busy', 'normal');

    expect(test.fairShare.schedule('quiet', 'normal')).toEqual({ due: true });
    const busySlots = [test.fairShare.schedule('busy', 'normal'), test.fairShare.schedule('busy', 'normal')];
    expect(busySlots.map(test.putOffBy)).toEqual([1100, 1300]);

    // Once the quiet tenant has been gone for the active window, the busy one has the whole rate again.
    test.advance(5001);
    const later = Array.from({ length: 12 }, () => test.fairShare.schedule('busy', 'normal'));
    expect(later.filter((slot) => slot.due)).toHaveLength(11);
    expect(test.putOffBy(later[11])).toBe(1100);
  });

  it('keeps a schedule per priority, so a backlog of bulk does not put off the same tenant’s normal', () => {
    const test = setUp({ ratePerSecond: 10, maxWaitMs: 1000 });
    for (let index = 0; index < 20; index += 1) test.fairShare.schedule('acme', 'bulk');

    expect(test.fairShare.schedule('acme', 'normal')).toEqual({ due: true });
  });
});

describe('FairShare turns put off', () => {
  it('puts a dispatch off when its turn at the tokens is too far, even within its share', () => {
    const test = setUp({ ratePerSecond: 10, maxWaitMs: 1000 });
    test.tokens.setEstimate((count) => count * 600);

    expect(test.admit('a', 'a-0').admitted).toBe(true);
    // a-0 is in the limiter: b-0 would need the second token, 1200 ms away.
    expect(test.putOffBy(test.admit('b', 'b-0'))).toBe(1200);
  });

  it('estimates the wait from the rate when the limiter cannot', () => {
    const test = setUp({ ratePerSecond: 10, maxWaitMs: 1000 });
    test.tokens.setEstimate(undefined);

    const admissions = Array.from({ length: 12 }, (_, index) => test.admit(`tenant-${index}`, `t-${index}`));

    // Twelve tenants, one dispatch each: the tenth waits 1 s for its token, the eleventh more.
    expect(admissions.map((admission) => admission.admitted)).toEqual([
      ...Array<boolean>(10).fill(true),
      false,
      false,
    ]);
  });

  it("puts a dispatch off to its tenant's next slot when that is later than its turn", () => {
    const test = setUp({ ratePerSecond: 10, maxWaitMs: 1000 });
    for (let index = 0; index < 30; index += 1) test.fairShare.schedule('busy', 'normal');
    test.tokens.setEstimate(() => 2000);

    expect(test.putOffBy(test.admit('busy', 'back'))).toBe(3000);
  });

  it('never puts off a call that must be made (a circuit probe)', () => {
    const test = setUp({ ratePerSecond: 10, maxWaitMs: 0 });
    test.tokens.setEstimate(() => 60_000);

    expect(test.admit('a', 'probe', 'normal', { mustWait: true }).admitted).toBe(true);
    expect(test.admit('a', 'other').admitted).toBe(false);
  });
});
