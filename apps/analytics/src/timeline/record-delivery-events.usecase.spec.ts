import type { DeliveryEvent } from '@switchboard/contracts';
import {
  type DeliveryEventBatch,
  RecordDeliveryEventsUsecase,
  type TimelineWriter,
} from './record-delivery-events.usecase';

const MESSAGE = '5b0c1f8e-2a4e-4c7e-9d55-6d1f2d9a0aa1';

describe('RecordDeliveryEventsUsecase', () => {
  function setUp() {
    const writes: DeliveryEventBatch[] = [];
    const writer: TimelineWriter = {
      async record(batch) {
        writes.push(batch);
      },
    };
    return { usecase: new RecordDeliveryEventsUsecase(writer), writes };
  }

  it('writes the whole batch at once with one status per message and its partition', async () => {
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
    await usecase.execute(events, 4);
    expect(writes).toHaveLength(1);
    expect(writes[0].partition).toBe(4);
    expect(writes[0].events).toBe(events);
    expect(writes[0].statusUpdates).toEqual([
      expect.objectContaining({ messageId: MESSAGE, status: 'routed' }),
    ]);
    expect(writes[0].circuitChanges).toEqual([]);
  });

  it("passes on the circuit changes the batch reports, with the timeline's events", async () => {
    const { usecase, writes } = setUp();
    await usecase.execute(
      [
        {
          tenantId: 'acme',
          messageId: MESSAGE,
          type: 'circuit-changed',
          occurredAt: '2026-01-01T00:00:00Z',
          source: 'sender-sms',
          channel: 'sms',
          provider: 'sns',
          detail: { provider: 'sns', from: 'closed', to: 'open', why: '5 failures in a row' },
        },
      ],
      0,
    );
    expect(writes[0].circuitChanges).toEqual([
      { channel: 'sms', provider: 'sns', state: 'open', changedAt: new Date('2026-01-01T00:00:00Z') },
    ]);
  });

  it('does not touch the database for an empty batch', async () => {
    const { usecase, writes } = setUp();
    await usecase.execute([], 0);
    expect(writes).toEqual([]);
  });
});
