import type { DeliveryEvent } from '@switchboard/contracts';
import type { MessageStatusUpdate } from './message-status-updates';
import { RecordDeliveryEventsUsecase, type TimelineWriter } from './record-delivery-events.usecase';

const MESSAGE = '5b0c1f8e-2a4e-4c7e-9d55-6d1f2d9a0aa1';

describe('RecordDeliveryEventsUsecase', () => {
  function setUp() {
    const writes: Array<{ events: readonly DeliveryEvent[]; updates: readonly MessageStatusUpdate[] }> = [];
    const writer: TimelineWriter = {
      async record(events, updates) {
        writes.push({ events, updates });
      },
    };
    return { usecase: new RecordDeliveryEventsUsecase(writer), writes };
  }

  it('writes the whole batch at once with one status per message', async () => {
    const { usecase, writes } = setUp();
    const events: DeliveryEvent[] = [
      {
        tenantId: 'acme',
        messageId: MESSAGE,
        type: 'accepted',
        occurredAt: '2026-01-01T00:00:00Z',
        source: 'ingest',
      },
      {
        tenantId: 'acme',
        messageId: MESSAGE,
        type: 'routed',
        occurredAt: '2026-01-01T00:00:01Z',
        source: 'router',
      },
    ];
    await usecase.execute(events);
    expect(writes).toHaveLength(1);
    expect(writes[0].events).toBe(events);
    expect(writes[0].updates).toEqual([expect.objectContaining({ messageId: MESSAGE, status: 'routed' })]);
  });

  it('does not touch the database for an empty batch', async () => {
    const { usecase, writes } = setUp();
    await usecase.execute([]);
    expect(writes).toEqual([]);
  });
});
