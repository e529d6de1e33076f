import type { Trigger } from '../triggers/trigger';
import { findTrigger, upstreamMessage } from './upstream-message';
import { upstreamMessageId } from './upstream-message-id';

const orderShipped: Trigger = {
  tenantId: 'acme',
  eventType: 'order.shipped',
  templateKey: 'order-shipped',
  channel: 'email',
  messageType: null,
  createdAt: new Date('2030-01-01T00:00:00Z'),
};
const triggersByTenant = new Map([['acme', new Map([[orderShipped.eventType, orderShipped]])]]);

describe('findTrigger', () => {
  it("finds the tenant's trigger for the event type", () => {
    expect(findTrigger(triggersByTenant, { tenant: 'acme', type: 'order.shipped' })).toBe(orderShipped);
  });

  it('matches the event type exactly, case included', () => {
    expect(findTrigger(triggersByTenant, { tenant: 'acme', type: 'Order.Shipped' })).toBeUndefined();
    expect(findTrigger(triggersByTenant, { tenant: 'acme', type: 'order.shipped.late' })).toBeUndefined();
  });

  it("never uses another tenant's trigger", () => {
    expect(findTrigger(triggersByTenant, { tenant: 'globex', type: 'order.shipped' })).toBeUndefined();
  });
});

describe('upstreamMessage', () => {
  const received = {
    event: {
      type: 'order.shipped',
      tenant: 'acme',
      recipient: { email: 'ada@example.com' },
      data: { orderNumber: 'A-7' },
    },
    position: { topic: 'shop.orders', partition: 1, offset: '12' },
  };

  it("renders the trigger's template with the event's data, for the event's recipient", () => {
    const { message, upstream } = upstreamMessage(
      received,
      orderShipped,
      new Date('2030-01-02T03:04:05.678Z'),
    );

    expect(message).toEqual({
      tenantId: 'acme',
      messageId: upstreamMessageId(received.event, received.position),
      acceptedAt: '2030-01-02T03:04:05.678Z',
      source: 'upstream',
      recipient: { email: 'ada@example.com' },
      content: { templateKey: 'order-shipped', data: { orderNumber: 'A-7' } },
    });
    expect(upstream).toEqual(received.position);
  });

  it("carries the event's idempotency key", () => {
    const { message } = upstreamMessage(
      { ...received, event: { ...received.event, idempotencyKey: 'A-7-shipped' } },
      orderShipped,
      new Date(),
    );

    expect(message.idempotencyKey).toBe('A-7-shipped');
  });

  it("is of the trigger's message type, and names none when the trigger leaves it to the tenant's default", () => {
    const typed = upstreamMessage(received, { ...orderShipped, messageType: 'order-update' }, new Date());
    const untyped = upstreamMessage(received, orderShipped, new Date());

    expect(typed.message.type).toBe('order-update');
    expect('type' in untyped.message).toBe(false);
  });
});
