import { createHash } from 'node:crypto';
import { auditAction, auditTarget } from './audit-target';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('auditTarget', () => {
  it('keeps ids and keys as they are, in one canonical order', () => {
    expect(auditTarget({ recipientId: 'r-1', key: 'welcome' })).toBe('{"key":"welcome","recipientId":"r-1"}');
    expect(auditTarget(undefined)).toBe('{}');
  });

  it('keeps addresses, phone numbers and link tokens only as a sha256', () => {
    const target = JSON.parse(
      auditTarget({
        channel: 'email',
        address: 'ann@example.com',
        '*': 'signed.token',
        recipientId: '+44 7700 900123',
      }),
    );
    expect(target).toEqual({
      channel: 'email',
      address: `sha256:${sha256('ann@example.com')}`,
      '*': `sha256:${sha256('signed.token')}`,
      recipientId: `sha256:${sha256('+44 7700 900123')}`,
    });
  });
});

describe('auditAction', () => {
  it('is the method and the route pattern with its parameters in braces', () => {
    expect(auditAction('PUT', '/v1/message-types/:key')).toBe('PUT /v1/message-types/{key}');
    expect(auditAction('DELETE', '/v1/suppressions/:channel/:address')).toBe(
      'DELETE /v1/suppressions/{channel}/{address}',
    );
  });
});
