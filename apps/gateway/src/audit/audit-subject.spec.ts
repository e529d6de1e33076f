import { createHash } from 'node:crypto';
import { auditSubjectOf } from './audit-subject';

describe('auditSubjectOf', () => {
  it('records an API key by id and role in its tenant’s chain', () => {
    expect(
      auditSubjectOf({ principal: { keyId: 'k-1', tenantId: 'acme', role: 'editor' }, tenantId: 'acme' }),
    ).toEqual({ chain: 'tenant:acme', actor: { type: 'api-key', id: 'k-1', role: 'editor' } });
  });

  it('records an authenticated tenant without a principal as an unknown key, not as nobody', () => {
    expect(auditSubjectOf({ tenantId: 'acme' })).toEqual({
      chain: 'tenant:acme',
      actor: { type: 'api-key', id: null, role: null },
    });
  });

  it('records an operator by a fingerprint of the key, in the platform chain', () => {
    const subject = auditSubjectOf({
      routeAccess: { kind: 'operator' },
      authorization: 'Bearer sbop_secret',
    });
    const fingerprint = createHash('sha256').update('sbop_secret').digest('hex').slice(0, 16);
    expect(subject).toEqual({ chain: 'platform', actor: { type: 'operator', id: fingerprint } });
  });

  it('records an end user by recipient id, or by a hashed address when the link has no id', () => {
    expect(auditSubjectOf({ tokenRecipient: { tenantId: 'acme', recipientId: 'r-1' } })).toEqual({
      chain: 'tenant:acme',
      actor: { type: 'recipient', id: 'r-1' },
    });
    const byAddress = auditSubjectOf({ actingRecipient: { tenantId: 'acme', address: 'ann@example.com' } });
    expect(byAddress.actor).toEqual({
      type: 'recipient',
      id: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
    });
    expect(JSON.stringify(byAddress)).not.toContain('ann@');
  });

  it('records a request nobody could be named for as anonymous, in the platform chain', () => {
    expect(auditSubjectOf({})).toEqual({ chain: 'platform', actor: { type: 'anonymous' } });
  });
});
