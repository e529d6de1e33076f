import { MessageId, validate } from '@switchboard/contracts';
import { upstreamMessageId } from './upstream-message-id';

const position = { topic: 'shop.orders', partition: 2, offset: '41' };

describe('upstreamMessageId', () => {
  it('is a valid message id', () => {
    expect(validate(MessageId, upstreamMessageId({ tenant: 'acme' }, position)).ok).toBe(true);
  });

  it('depends only on tenant and idempotency key when the event has a key', () => {
    const event = { tenant: 'acme', idempotencyKey: 'order-7-shipped' };
    expect(upstreamMessageId(event, position)).toBe(
      upstreamMessageId(event, { topic: 'other.topic', partition: 0, offset: '9000' }),
    );
    expect(upstreamMessageId({ ...event, tenant: 'globex' }, position)).not.toBe(
      upstreamMessageId(event, position),
    );
    expect(upstreamMessageId({ ...event, idempotencyKey: 'order-8-shipped' }, position)).not.toBe(
      upstreamMessageId(event, position),
    );
  });

  it('depends on topic, partition and offset when the event has no key', () => {
    const event = { tenant: 'acme' };
    expect(upstreamMessageId(event, position)).toBe(upstreamMessageId(event, { ...position }));
    expect(upstreamMessageId(event, { ...position, offset: '42' })).not.toBe(
      upstreamMessageId(event, position),
    );
    expect(upstreamMessageId(event, { ...position, partition: 3 })).not.toBe(
      upstreamMessageId(event, position),
    );
    expect(upstreamMessageId(event, { ...position, topic: 'shop.carts' })).not.toBe(
      upstreamMessageId(event, position),
    );
  });

  it('does not confuse a key with a position that spells the same text', () => {
    expect(upstreamMessageId({ tenant: 'acme', idempotencyKey: 'shop.orders' }, position)).not.toBe(
      upstreamMessageId({ tenant: 'acme' }, position),
    );
  });
});
