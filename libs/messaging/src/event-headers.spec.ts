import { DeliveryEventTopic, HeaderName } from '@switchboard/contracts';
import {
  attemptOf,
  deadLetterHeaders,
  eventHeaders,
  readHeaders,
  withoutInternalHeaders,
} from './event-headers';

const deliveryEvent = {
  tenantId: 'acme',
  messageId: '0f0e3b59-3c3f-4a63-9d0e-6f6f3f0f2a11',
  type: 'sent' as const,
  occurredAt: '2026-03-01T10:00:00.000Z',
  source: 'sender-email',
};

describe('eventHeaders', () => {
  it('names the schema and carries tenant, message id and the first attempt', () => {
    expect(eventHeaders(DeliveryEventTopic, deliveryEvent)).toEqual({
      [HeaderName.schemaName]: 'DeliveryEvent',
      [HeaderName.schemaVersion]: '1',
      [HeaderName.tenant]: 'acme',
      [HeaderName.messageId]: deliveryEvent.messageId,
      [HeaderName.attempt]: '1',
    });
  });

  it('keeps extra headers but never lets them contradict the contract', () => {
    const headers = eventHeaders(DeliveryEventTopic, deliveryEvent, {
      attempt: 3,
      headers: { [HeaderName.notBefore]: '2026-03-01T10:05:00.000Z', [HeaderName.schemaName]: 'Forged' },
    });
    expect(headers[HeaderName.notBefore]).toBe('2026-03-01T10:05:00.000Z');
    expect(headers[HeaderName.schemaName]).toBe('DeliveryEvent');
    expect(headers[HeaderName.attempt]).toBe('3');
  });

  it('leaves out tenant and message id when the payload has none', () => {
    const headers = eventHeaders({ ...DeliveryEventTopic, schemaName: 'Other' }, { type: 'x' });
    expect(headers).not.toHaveProperty(HeaderName.tenant);
    expect(headers).not.toHaveProperty(HeaderName.messageId);
  });

  it('refuses an attempt below one', () => {
    expect(() => eventHeaders(DeliveryEventTopic, deliveryEvent, { attempt: 0 })).toThrow(
      'attempt must be a positive integer, got 0',
    );
  });
});

describe('readHeaders', () => {
  it('turns buffers into text and keeps the last of a repeated header', () => {
    expect(readHeaders({ a: Buffer.from('one'), b: [Buffer.from('first'), 'second'], c: undefined })).toEqual(
      {
        a: 'one',
        b: 'second',
      },
    );
  });

  it('reads missing headers as none', () => {
    expect(readHeaders(undefined)).toEqual({});
  });
});

describe('attemptOf', () => {
  it('reads the attempt header, defaulting to the first attempt', () => {
    expect(attemptOf({ [HeaderName.attempt]: '4' })).toBe(4);
    expect(attemptOf({})).toBe(1);
    expect(attemptOf({ [HeaderName.attempt]: 'later' })).toBe(1);
  });
});

describe('deadLetterHeaders', () => {
  it('keeps the original headers byte for byte and says where the event came from and why', () => {
    const original = { traceparent: Buffer.from('00-abc-def-01'), binary: Buffer.from([0xff, 0x00]) };
    const headers = deadLetterHeaders(original, {
      topic: 'sb.delivery.events.v1',
      partition: 2,
      offset: '41',
      error: 'invalid payload: email: Invalid email address',
      attempts: 0,
    });
    expect(headers).toEqual({
      ...original,
      [HeaderName.originalTopic]: 'sb.delivery.events.v1',
      [HeaderName.originalPartition]: '2',
      [HeaderName.originalOffset]: '41',
      [HeaderName.error]: 'invalid payload: email: Invalid email address',
      [HeaderName.attempts]: '0',
    });
  });

  it('shortens a very long error', () => {
    const headers = deadLetterHeaders(undefined, {
      topic: 't',
      partition: 0,
      offset: '0',
      error: 'x'.repeat(10_000),
      attempts: 5,
    });
    expect((headers[HeaderName.error] as string).length).toBe(2000);
  });
});

describe('withoutInternalHeaders', () => {
  it('drops every sb-* header, whatever its case, and keeps the others as they are', () => {
    const traceparent = Buffer.from('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');
    const kept = withoutInternalHeaders({
      [HeaderName.attempt]: '99',
      [HeaderName.tenant]: Buffer.from('globex'),
      [HeaderName.notBefore]: '2100-01-01T00:00:00.000Z',
      'SB-Message-Id': 'forged',
      'sb-anything-added-later': 'x',
      traceparent,
      'x-upstream': ['a', 'b'],
    });
    expect(kept).toEqual({ traceparent, 'x-upstream': ['a', 'b'] });
  });

  it('is empty for a record without headers', () => {
    expect(withoutInternalHeaders(undefined)).toEqual({});
  });
});
