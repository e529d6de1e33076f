import { DeliveryEventType, type DeliveryEventTypeName } from '@switchboard/contracts';
import { statusRank, supersedes } from './status-rank';

const at = (iso: string) => new Date(iso);

describe('statusRank', () => {
  it('orders the lifecycle accepted < routed|deferred|skipped < rendered < sent < delivered < failed|bounced|complained', () => {
    const ladder: DeliveryEventTypeName[][] = [
      ['accepted'],
      ['routed', 'deferred', 'skipped'],
      ['rendered'],
      ['sent'],
      ['delivered'],
      ['failed', 'bounced', 'complained'],
    ];
    ladder.forEach((stage, index) => {
      for (const status of stage) {
        expect(statusRank(status)).toBe(statusRank(stage[0]));
        if (index > 0) expect(statusRank(status)).toBeGreaterThan(statusRank(ladder[index - 1][0]));
      }
    });
  });

  it('ranks every delivery event type', () => {
    for (const type of DeliveryEventType.options) expect(Number.isInteger(statusRank(type))).toBe(true);
  });

  it('ranks a duplicate request below acceptance so it never replaces a real status', () => {
    expect(statusRank('duplicate')).toBeLessThan(statusRank('accepted'));
  });
});

describe('supersedes', () => {
  it('lets a later stage replace an earlier one', () => {
    expect(
      supersedes(
        { status: 'sent', occurredAt: at('2026-01-01T00:00:01Z') },
        { status: 'rendered', occurredAt: at('2026-01-01T00:00:00Z') },
      ),
    ).toBe(true);
  });

  it('never lets an earlier stage replace a later one, even when it arrives or happened later', () => {
    expect(
      supersedes(
        { status: 'rendered', occurredAt: at('2026-01-01T00:00:09Z') },
        { status: 'sent', occurredAt: at('2026-01-01T00:00:00Z') },
      ),
    ).toBe(false);
    expect(
      supersedes(
        { status: 'accepted', occurredAt: at('2026-01-01T00:00:09Z') },
        { status: 'failed', occurredAt: at('2026-01-01T00:00:00Z') },
      ),
    ).toBe(false);
  });

  it('within one stage keeps the later event (deferred, then routed after quiet hours)', () => {
    const deferred = { status: 'deferred' as const, occurredAt: at('2026-01-01T00:00:00Z') };
    const routed = { status: 'routed' as const, occurredAt: at('2026-01-01T08:00:00Z') };
    expect(supersedes(routed, deferred)).toBe(true);
    expect(supersedes(deferred, routed)).toBe(false);
  });

  it('does not replace a status with the very same event', () => {
    const sent = { status: 'sent' as const, occurredAt: at('2026-01-01T00:00:00Z') };
    expect(supersedes(sent, { ...sent })).toBe(false);
  });
});
