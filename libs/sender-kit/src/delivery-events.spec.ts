import type { CircuitTransition } from '@switchboard/delivery';
import { DeliveryEventFactory } from './delivery-events';

const now = Date.parse('2026-03-01T10:00:00Z');
const factory = new DeliveryEventFactory({ source: 'sender-sms', channel: 'sms', clock: { now: () => now } });
const dispatch = { tenantId: 'acme', messageId: 'message-1' };

describe('DeliveryEventFactory', () => {
  it('stamps an event with its dispatch, its source and channel, and now unless told when', () => {
    expect(
      factory.event(dispatch, 'attempt-failed', { provider: 'sns', reason: 'Throttling: slow down' }),
    ).toEqual({
      tenantId: 'acme',
      messageId: 'message-1',
      type: 'attempt-failed',
      occurredAt: '2026-03-01T10:00:00.000Z',
      source: 'sender-sms',
      channel: 'sms',
      provider: 'sns',
      reason: 'Throttling: slow down',
    });
  });

  it("dates a finished delivery's event when it finished, the provider's message id in its detail", () => {
    const finishedAt = new Date('2026-03-01T09:59:58Z');
    expect(
      factory.finished(dispatch, {
        status: 'sent',
        provider: 'sns',
        providerMessageId: 'sns-1',
        detail: { segments: 2 },
        finishedAt,
      }),
    ).toMatchObject({
      type: 'sent',
      provider: 'sns',
      occurredAt: finishedAt.toISOString(),
      detail: { segments: 2, providerMessageId: 'sns-1' },
    });
    const failed = factory.finished(dispatch, {
      status: 'failed',
      provider: null,
      reason: 'opted out',
      finishedAt,
    });
    expect(failed).toMatchObject({ type: 'failed', reason: 'opted out' });
    expect(failed).not.toHaveProperty('provider');
  });

  it('puts each circuit change on the timeline at the time it happened', () => {
    const transition: CircuitTransition = {
      provider: 'sns:us-east-1',
      from: 'closed',
      to: 'open',
      reason: 'consecutive-failures',
      detail: '5 failures in a row, the last ServiceUnavailable',
      at: new Date('2026-03-01T09:59:59Z'),
    };
    expect(factory.circuitChanges(dispatch, [transition])).toEqual([
      expect.objectContaining({
        type: 'circuit-changed',
        provider: 'sns:us-east-1',
        reason: 'consecutive-failures',
        occurredAt: '2026-03-01T09:59:59.000Z',
        detail: {
          provider: 'sns:us-east-1',
          from: 'closed',
          to: 'open',
          why: '5 failures in a row, the last ServiceUnavailable',
        },
      }),
    ]);
  });
});
