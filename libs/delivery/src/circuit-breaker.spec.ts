import { CircuitBreaker, type CircuitBreakerOptions, type CircuitTransition } from './circuit-breaker';
import type { Clock } from './clock';
import type { ProviderFailure } from './provider-failure';

const transient: ProviderFailure = { kind: 'transient', code: 'InternalFailure', reason: 'boom' };
const throttled: ProviderFailure = { kind: 'throttled', code: 'Throttling', reason: 'slow down' };
const permanent: ProviderFailure = { kind: 'permanent', code: 'MessageRejected', reason: 'bad address' };

class ManualClock implements Clock {
  constructor(private time = Date.parse('2026-03-01T10:00:00Z')) {}
  now(): number {
    return this.time;
  }
  advance(ms: number): void {
    this.time += ms;
  }
}

function breakerWith(options: Partial<CircuitBreakerOptions> = {}) {
  const clock = new ManualClock();
  const transitions: CircuitTransition[] = [];
  const breaker = new CircuitBreaker({
    provider: 'ses:eu-west-1',
    consecutiveFailuresToOpen: 3,
    failureRateToOpen: 0.5,
    windowSize: 10,
    minimumCallsInWindow: 6,
    openForMs: 30_000,
    clock,
    ...options,
  });
  breaker.onTransition((transition) => transitions.push(transition));
  return { breaker, clock, transitions };
}

function failTimes(breaker: CircuitBreaker, times: number, failure: ProviderFailure = transient): void {
  for (let index = 0; index < times; index += 1) breaker.recordFailure(failure);
}

describe('CircuitBreaker', () => {
  it('opens after N consecutive failures and refuses calls while open', () => {
    const { breaker, clock, transitions } = breakerWith();
    failTimes(breaker, 2);
    expect(breaker.canAttempt()).toBe(true);
    breaker.recordFailure(throttled);

    expect(breaker.canAttempt()).toBe(false);
    expect(breaker.tryAcquire().acquired).toBe(false);
    expect(transitions).toEqual([
      {
        provider: 'ses:eu-west-1',
        from: 'closed',
        to: 'open',
        reason: 'consecutive-failures',
        detail: '3 failures in a row, the last Throttling',
        at: new Date(clock.now()),
      },
    ]);
    expect(breaker.snapshot()).toEqual({
      provider: 'ses:eu-west-1',
      state: 'open',
      since: new Date(clock.now()),
      consecutiveFailures: 3,
      failureRate: 1,
      callsInWindow: 3,
      openUntil: new Date(clock.now() + 30_000),
    });
  });

  it('a success breaks the run of consecutive failures', () => {
    const { breaker } = breakerWith({ minimumCallsInWindow: 10 });
    failTimes(breaker, 2);
    breaker.recordSuccess();
    failTimes(breaker, 2);
    expect(breaker.state).toBe('closed');
    expect(breaker.snapshot().consecutiveFailures).toBe(2);
  });

  it('opens on the failure rate over the sliding window once it holds enough calls', () => {
    const { breaker, transitions } = breakerWith({ consecutiveFailuresToOpen: 100 });
    // success, failure, success, failure, ...: never two failures in a row.
    breaker.recordSuccess();
    breaker.recordFailure(transient);
    breaker.recordSuccess();
    breaker.recordFailure(transient);
    breaker.recordSuccess();
    expect(breaker.state).toBe('closed'); // 2 of 5: too few calls to judge
    breaker.recordFailure(transient);
    expect(breaker.state).toBe('open'); // 3 of 6 = 50%
    expect(transitions[0]).toMatchObject({
      reason: 'failure-rate',
      detail: '50% of the last 6 calls failed, the last InternalFailure',
    });
  });

  it('forgets calls that slid out of the window', () => {
    const { breaker } = breakerWith({
      consecutiveFailuresToOpen: 100,
      windowSize: 6,
      minimumCallsInWindow: 6,
    });
    failTimes(breaker, 2);
    for (let index = 0; index < 6; index += 1) breaker.recordSuccess();
    breaker.recordFailure(transient);
    breaker.recordFailure(transient);
    expect(breaker.snapshot()).toMatchObject({ state: 'closed', callsInWindow: 6, failureRate: 2 / 6 });
  });

  it('does not count permanent failures of a message against the provider', () => {
    const { breaker } = breakerWith();
    failTimes(breaker, 2);
    failTimes(breaker, 20, permanent);
    breaker.recordFailure(transient);
    expect(breaker.state).toBe('closed');
    expect(breaker.snapshot()).toMatchObject({ consecutiveFailures: 1, callsInWindow: 10, failureRate: 0.1 });
  });

  it('goes open → half-open → closed when probes succeed', () => {
    const { breaker, clock, transitions } = breakerWith({ halfOpenProbes: 2, probeSuccessesToClose: 2 });
    failTimes(breaker, 3);
    clock.advance(29_999);
    expect(breaker.canAttempt()).toBe(false);
    clock.advance(1);
    expect(breaker.state).toBe('half-open');
    expect(breaker.snapshot().openUntil).toBeNull();

    expect(breaker.tryAcquire().acquired).toBe(true);
    expect(breaker.tryAcquire().acquired).toBe(true);
    expect(breaker.tryAcquire().acquired).toBe(false); // both probe slots taken
    expect(breaker.canAttempt()).toBe(false);
    breaker.recordSuccess();
    expect(breaker.state).toBe('half-open');
    expect(breaker.tryAcquire().acquired).toBe(true); // the finished probe gave its slot back
    breaker.recordSuccess();

    expect(breaker.snapshot()).toMatchObject({ state: 'closed', consecutiveFailures: 0, callsInWindow: 0 });
    expect(transitions.map(({ from, to, reason }) => `${from}→${to} ${reason}`)).toEqual([
      'closed→open consecutive-failures',
      'open→half-open open-period-elapsed',
      'half-open→closed probe-succeeded',
    ]);
    expect(transitions[1].at).toEqual(new Date(Date.parse('2026-03-01T10:00:30Z')));
  });

  it('reopens for another full period when a probe fails', () => {
    const { breaker, clock, transitions } = breakerWith();
    failTimes(breaker, 3);
    clock.advance(30_000);
    expect(breaker.tryAcquire().acquired).toBe(true);
    clock.advance(500);
    breaker.recordFailure(throttled);

    expect(breaker.snapshot()).toMatchObject({ state: 'open', openUntil: new Date(clock.now() + 30_000) });
    expect(transitions.at(-1)).toMatchObject({ from: 'half-open', to: 'open', reason: 'probe-failed' });
    clock.advance(29_999);
    expect(breaker.canAttempt()).toBe(false);
    clock.advance(1);
    expect(breaker.canAttempt()).toBe(true);
  });

  it('takes a permanent failure of a probe as the provider answering', () => {
    const { breaker, clock } = breakerWith();
    failTimes(breaker, 3);
    clock.advance(30_000);
    expect(breaker.tryAcquire().acquired).toBe(true);
    breaker.recordFailure(permanent);
    expect(breaker.state).toBe('closed');
  });

  it('ignores results of calls that were started before the circuit opened', () => {
    const { breaker, clock } = breakerWith();
    failTimes(breaker, 3);
    breaker.recordSuccess();
    breaker.recordFailure(transient);
    expect(breaker.snapshot().openUntil).toEqual(new Date(clock.now() + 30_000));
    clock.advance(30_000);
    // Half-open with no probe taken: a late result is not a probe's.
    breaker.recordSuccess();
    expect(breaker.state).toBe('half-open');
  });

  it('returns the changes each call made, the same a listener hears', () => {
    const { breaker, clock, transitions } = breakerWith();
    expect(breaker.recordFailure(transient)).toEqual([]);
    expect(breaker.recordFailure(transient)).toEqual([]);
    const opened = breaker.recordFailure(transient);
    expect(opened).toEqual([expect.objectContaining({ from: 'closed', to: 'open' })]);

    clock.advance(30_000);
    const probe = breaker.tryAcquire();
    expect(probe).toEqual({
      acquired: true,
      probe: true,
      transitions: [expect.objectContaining({ from: 'open', to: 'half-open' })],
    });
    const closed = breaker.recordSuccess();
    expect(closed).toEqual([expect.objectContaining({ from: 'half-open', to: 'closed' })]);
    expect(breaker.tryAcquire()).toEqual({ acquired: true, probe: false, transitions: [] });
    expect([...opened, ...probe.transitions, ...closed]).toEqual(transitions);
  });

  it('stops calling a listener once unsubscribed', () => {
    const { breaker } = breakerWith();
    const seen: string[] = [];
    const stop = breaker.onTransition(({ to }) => seen.push(to));
    stop();
    failTimes(breaker, 3);
    expect(seen).toEqual([]);
  });

  it('validates its options, naming the field', () => {
    expect(() => new CircuitBreaker({ provider: '' })).toThrow(/provider:/);
    expect(() => new CircuitBreaker({ provider: 'sns', windowSize: 5, minimumCallsInWindow: 6 })).toThrow(
      /minimumCallsInWindow: must not be more than windowSize/,
    );
    expect(() => new CircuitBreaker({ provider: 'sns', failureRateToOpen: 1.5 })).toThrow(
      /failureRateToOpen/,
    );
    expect(new CircuitBreaker({ provider: 'sns' }).snapshot()).toMatchObject({
      provider: 'sns',
      state: 'closed',
    });
  });
});
