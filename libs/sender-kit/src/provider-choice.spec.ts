import { CircuitBreaker, ProviderFailover, type ProviderFailure } from '@switchboard/delivery';
import type { DeliveryClaim } from './delivery-ledger';
import { ProviderChooser } from './provider-choice';
import type { ProviderRoute } from './provider-route';

const outage: ProviderFailure = { kind: 'transient', code: 'ServiceUnavailable', reason: 'down' };
type Claimed = Extract<DeliveryClaim, { outcome: 'claimed' }>;
const fresh: Claimed = { outcome: 'claimed', attempts: 0, pinnedProvider: null, lastProvider: null };

function setUp() {
  let time = Date.parse('2026-03-01T10:00:00Z');
  const clock = { now: () => time };
  const route = (name: string): ProviderRoute<unknown> => ({
    provider: {
      name,
      send: async () => ({ providerMessageId: 'never' }),
      classify: () => outage,
    },
    breaker: new CircuitBreaker({ provider: name, consecutiveFailuresToOpen: 1, openForMs: 30_000, clock }),
    rateLimiter: { ratePerSecond: 10, burst: 10, acquire: async () => undefined },
  });
  const [primary, backup] = [route('primary'), route('backup')];
  const logged: string[] = [];
  const chooser = new ProviderChooser(new ProviderFailover([primary, backup], { clock }), {
    clock,
    log: (_level, message, fields) => logged.push(`${message} ${String(fields.provider)}`),
  });
  return { chooser, primary, backup, logged, advance: (ms: number) => (time += ms), now: () => time };
}

describe('ProviderChooser', () => {
  it("chooses the first provider whose circuit lets a call through, saying when it passed over the delivery's last one", () => {
    const { chooser, primary, backup, logged } = setUp();
    primary.breaker.recordFailure(outage);

    expect(chooser.likelyRoute()).toBe(backup);
    expect(chooser.choose(fresh, 'message-1')).toEqual({
      outcome: 'chosen',
      route: backup,
      probe: false,
      failedOverFrom: 'primary',
      transitions: [],
    });
    // The delivery last went to the backup: staying there is no failover.
    const onBackup: Claimed = { ...fresh, attempts: 1, lastProvider: 'backup' };
    expect(chooser.choose(onBackup, 'message-2')).not.toHaveProperty('failedOverFrom');
    expect(logged).toEqual(['provider circuit changed primary']);
  });

  it('waits for the provider that may have received the previous attempt rather than failing over', () => {
    const { chooser, primary, now } = setUp();
    primary.breaker.recordFailure(outage);
    const pinned: Claimed = { ...fresh, attempts: 1, pinnedProvider: 'primary', lastProvider: 'primary' };

    expect(chooser.choose(pinned, 'message-1')).toEqual({
      outcome: 'pinned-unavailable',
      route: primary,
      until: new Date(now() + 30_000),
      transitions: [],
    });
  });

  it("hands back the failover's circuit changes and, when every circuit is open, when to look again", () => {
    const { chooser, primary, backup, advance, now } = setUp();
    primary.breaker.recordFailure(outage);
    advance(10_000);
    backup.breaker.recordFailure(outage);

    expect(chooser.channelOutageEndsAt()).toEqual(new Date(now() + 20_000));
    expect(chooser.choose(fresh, 'message-1')).toMatchObject({
      outcome: 'all-unavailable',
      retryAt: new Date(now() + 20_000),
    });
    advance(20_000);
    const probe = chooser.choose(fresh, 'message-1');
    expect(probe).toMatchObject({ outcome: 'chosen', route: primary, probe: true });
    expect(probe.transitions.map(({ from, to }) => `${from}→${to}`)).toEqual(['open→half-open']);
    expect(chooser.channelOutageEndsAt()).toEqual(new Date(now() + 10_000));
  });
});
