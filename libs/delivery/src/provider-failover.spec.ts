import { CircuitBreaker } from './circuit-breaker';
import type { Clock } from './clock';
import type { ProviderFailure } from './provider-failure';
import { ProviderFailover } from './provider-failover';

const outage: ProviderFailure = { kind: 'transient', code: 'ServiceUnavailable', reason: 'down' };

class ManualClock implements Clock {
  time = Date.parse('2026-03-01T10:00:00Z');
  now(): number {
    return this.time;
  }
}

function setup() {
  const clock = new ManualClock();
  const breaker = (provider: string, openForMs: number) =>
    new CircuitBreaker({ provider, consecutiveFailuresToOpen: 1, openForMs, clock });
  const primary = { name: 'ses:eu-west-1', breaker: breaker('ses:eu-west-1', 30_000) };
  const backup = { name: 'ses:eu-central-1', breaker: breaker('ses:eu-central-1', 10_000) };
  const failover = new ProviderFailover([primary, backup], { clock, busyProbeRetryMs: 2000 });
  return { clock, primary, backup, failover };
}

describe('ProviderFailover', () => {
  it('uses the first provider while its circuit is closed', () => {
    const { failover, primary } = setup();
    expect(failover.choose()).toEqual({
      outcome: 'chosen',
      candidate: primary,
      probe: false,
      skipped: 0,
      transitions: [],
    });
  });

  it('fails over to the next provider when the first circuit is open', () => {
    const { failover, primary, backup } = setup();
    primary.breaker.recordFailure(outage);
    expect(failover.choose()).toMatchObject({ outcome: 'chosen', candidate: backup, skipped: 1 });
  });

  it('reports when every circuit is open, with the earliest time one half-opens', () => {
    const { failover, primary, backup, clock } = setup();
    primary.breaker.recordFailure(outage);
    clock.time += 5000;
    backup.breaker.recordFailure(outage);
    const choice = failover.choose();
    expect(choice).toMatchObject({
      outcome: 'all-unavailable',
      retryAt: new Date(Date.parse('2026-03-01T10:00:15Z')),
    });
    if (choice.outcome !== 'all-unavailable') throw new Error('expected all-unavailable');
    expect(choice.providers.map(({ provider, state }) => `${provider} ${state}`)).toEqual([
      'ses:eu-west-1 open',
      'ses:eu-central-1 open',
    ]);
  });

  it('sends a probe to a half-open primary before the backup, one probe at a time', () => {
    const { failover, primary, backup, clock } = setup();
    primary.breaker.recordFailure(outage);
    clock.time += 30_000;
    expect(failover.choose()).toMatchObject({ outcome: 'chosen', candidate: primary, probe: true });
    // The probe slot is taken: the next message goes to the backup meanwhile.
    expect(failover.choose()).toMatchObject({ outcome: 'chosen', candidate: backup, probe: false });
    primary.breaker.recordSuccess();
    expect(failover.choose()).toMatchObject({ outcome: 'chosen', candidate: primary, probe: false });
  });

  it('hands back the circuit change its asking made, so it can go on the timeline of the message', () => {
    const { failover, primary, clock } = setup();
    primary.breaker.recordFailure(outage);
    clock.time += 30_000;
    const choice = failover.choose();
    expect(choice.transitions.map(({ provider, from, to }) => `${provider} ${from}→${to}`)).toEqual([
      'ses:eu-west-1 open→half-open',
    ]);
    expect(failover.choose().transitions).toEqual([]);
  });

  it('asks to look again soon when the only way forward is a probe in flight', () => {
    const { failover, primary, backup, clock } = setup();
    primary.breaker.recordFailure(outage);
    backup.breaker.recordFailure(outage);
    clock.time += 10_000;
    expect(failover.choose()).toMatchObject({ candidate: backup, probe: true });
    expect(failover.choose()).toMatchObject({
      outcome: 'all-unavailable',
      retryAt: new Date(clock.time + 2000),
    });
  });

  it('refuses an empty list or a provider listed twice', () => {
    const { primary } = setup();
    expect(() => new ProviderFailover([])).toThrow(/must list at least one provider/);
    expect(() => new ProviderFailover([primary, primary])).toThrow(/must not list a provider twice/);
  });
});
