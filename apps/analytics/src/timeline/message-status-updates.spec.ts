import type { DeliveryEvent } from '@switchboard/contracts';
import { messageStatusUpdates } from './message-status-updates';
import { statusRank } from './status-rank';

const FIRST = '0b0f6f0e-8a4e-4c7e-9d55-6d1f2d9a0001';
const SECOND = '0b0f6f0e-8a4e-4c7e-9d55-6d1f2d9a0002';

function event(messageId: string, type: DeliveryEvent['type'], occurredAt: string): DeliveryEvent {
  return { tenantId: 'acme', messageId, type, occurredAt, source: 'test' };
}

describe('messageStatusUpdates', () => {
  it('gives each message in a batch the status of its furthest step', () => {
    const updates = messageStatusUpdates([
      event(FIRST, 'accepted', '2026-01-01T00:00:00.000Z'),
      event(SECOND, 'accepted', '2026-01-01T00:00:00.000Z'),
      event(FIRST, 'sent', '2026-01-01T00:00:02.000Z'),
      // Arrives last (another partition, a retry) but is an earlier stage.
      event(FIRST, 'rendered', '2026-01-01T00:00:01.000Z'),
      event(SECOND, 'routed', '2026-01-01T00:00:01.000Z'),
    ]);
    expect(updates).toEqual([
      {
        messageId: FIRST,
        tenantId: 'acme',
        status: 'sent',
        statusRank: statusRank('sent'),
        updatedAt: new Date('2026-01-01T00:00:02.000Z'),
      },
      {
        messageId: SECOND,
        tenantId: 'acme',
        status: 'routed',
        statusRank: statusRank('routed'),
        updatedAt: new Date('2026-01-01T00:00:01.000Z'),
      },
    ]);
  });

  it('returns nothing for an empty batch', () => {
    expect(messageStatusUpdates([])).toEqual([]);
  });
});
