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

  it('lets a reroute replace a failure whatever its rank, and ranks the new round as usual', () => {
    const updates = messageStatusUpdates([
      event(FIRST, 'sent', '2026-01-01T00:00:01.000Z'),
      event(FIRST, 'failed', '2026-01-01T00:00:02.000Z'),
      event(FIRST, 'rerouted', '2026-01-01T00:00:03.000Z'),
      event(FIRST, 'rendered', '2026-01-01T00:00:04.000Z'),
      event(FIRST, 'sent', '2026-01-01T00:00:05.000Z'),
      // A late step of the new round ranks below 'sent' as it always does.
      event(FIRST, 'routed', '2026-01-01T00:00:06.000Z'),
    ]);
    expect(updates).toEqual([
      {
        messageId: FIRST,
        tenantId: 'acme',
        status: 'sent',
        statusRank: statusRank('sent'),
        updatedAt: new Date('2026-01-01T00:00:05.000Z'),
        startsNewRound: true,
      },
    ]);
  });

  it('keeps the reroute as the status when nothing of the new round follows in the batch', () => {
    const [update] = messageStatusUpdates([
      event(FIRST, 'failed', '2026-01-01T00:00:02.000Z'),
      event(FIRST, 'rerouted', '2026-01-01T00:00:03.000Z'),
    ]);
    expect(update).toMatchObject({ status: 'rerouted', startsNewRound: true });
  });

  it('starts no new round for messages the batch did not reroute', () => {
    const updates = messageStatusUpdates([
      event(FIRST, 'rerouted', '2026-01-01T00:00:03.000Z'),
      event(SECOND, 'failed', '2026-01-01T00:00:02.000Z'),
      event(SECOND, 'rendered', '2026-01-01T00:00:04.000Z'),
    ]);
    expect(updates.find((update) => update.messageId === SECOND)).toEqual({
      messageId: SECOND,
      tenantId: 'acme',
      status: 'failed',
      statusRank: statusRank('failed'),
      updatedAt: new Date('2026-01-01T00:00:02.000Z'),
    });
  });
});
