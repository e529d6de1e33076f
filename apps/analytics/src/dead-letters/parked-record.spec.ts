import { HeaderName } from '@switchboard/contracts';
import { parkedDeadLetterOf, payloadView, redriveHeaders } from './parked-record';

const parkedAt = new Date('2026-05-01T12:00:00.000Z');
const origin = {
  [HeaderName.originalTopic]: 'sb.dispatch.sms.normal.v1',
  [HeaderName.originalPartition]: '3',
  [HeaderName.originalOffset]: '1207',
  [HeaderName.error]: 'provider rejected the number',
  [HeaderName.attempts]: '5',
};

describe('parkedDeadLetterOf', () => {
  it('reads where the event came from and why, and keeps only the headers a redrive sends', () => {
    const letter = parkedDeadLetterOf({
      key: Buffer.from('acme:+15550100'),
      value: Buffer.from('{"a":1}'),
      headers: {
        ...origin,
        [HeaderName.tenant]: 'acme',
        [HeaderName.messageId]: 'm-1',
        [HeaderName.schemaName]: 'dispatch.sms',
        [HeaderName.attempt]: '4',
        [HeaderName.notBefore]: '2026-05-01T11:59:00.000Z',
        [HeaderName.firstAttemptAt]: '2026-05-01T11:50:00.000Z',
        traceparent: 'trace',
      },
      timestamp: parkedAt,
    });

    expect(letter).toEqual({
      tenantId: 'acme',
      messageId: 'm-1',
      originalTopic: 'sb.dispatch.sms.normal.v1',
      originalPartition: 3,
      originalOffset: '1207',
      reason: 'provider rejected the number',
      attempts: 5,
      key: Buffer.from('acme:+15550100'),
      headers: {
        [HeaderName.tenant]: 'acme',
        [HeaderName.messageId]: 'm-1',
        [HeaderName.schemaName]: 'dispatch.sms',
        traceparent: 'trace',
      },
      payload: Buffer.from('{"a":1}'),
      parkedAt,
    });
  });

  it('keeps a dead letter without a tenant or message id, with no owner', () => {
    const letter = parkedDeadLetterOf({ key: null, value: null, headers: origin, timestamp: parkedAt });

    expect(letter).toMatchObject({ tenantId: null, messageId: null, payload: null, headers: {} });
  });

  it('gives a letter without a tenant header to the tenant its upstream value names', () => {
    const value = Buffer.from('{"type":"order.shipped","tenant":"acme","recipient":"ada"}');

    const letter = parkedDeadLetterOf({ key: null, value, headers: origin, timestamp: parkedAt });

    expect(letter).toMatchObject({ tenantId: 'acme', headers: {}, payload: value });
  });

  it.each([
    ['no original topic', { ...origin, [HeaderName.originalTopic]: '' }],
    ['a partition that is not a number', { ...origin, [HeaderName.originalPartition]: 'x' }],
    ['an offset that is not a number', { ...origin, [HeaderName.originalOffset]: '-1' }],
  ])('refuses a record with %s', (_case, headers) => {
    expect(parkedDeadLetterOf({ key: null, value: null, headers, timestamp: parkedAt })).toBeUndefined();
  });
});

describe('redriveHeaders', () => {
  it('starts a first attempt and names the dead letter', () => {
    const headers = redriveHeaders({ [HeaderName.tenant]: 'acme', [HeaderName.attempt]: '5' }, '42');

    expect(headers).toEqual({
      [HeaderName.tenant]: 'acme',
      [HeaderName.attempt]: '1',
      [HeaderName.redrivenFrom]: '42',
    });
  });
});

describe('payloadView', () => {
  it('shows JSON parsed and anything else as text', () => {
    expect(payloadView(Buffer.from('{"a":[1]}'))).toEqual({ a: [1] });
    expect(payloadView(Buffer.from('<order/>'))).toBe('<order/>');
    expect(payloadView(null)).toBeNull();
  });

  it('shows as text a JSON payload nested too deep to be written out again', () => {
    const deep = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
    const view = payloadView(Buffer.from(deep));
    expect(view).toBe(deep);
    expect(() => JSON.stringify(view)).not.toThrow();
  });
});
