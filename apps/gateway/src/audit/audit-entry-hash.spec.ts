import type { AuditEntry } from './audit-entry';
import { auditEntryHash } from './audit-entry-hash';

// Written by gateway.append_audit_entry in PostgreSQL: the two implementations must agree.
const WRITTEN_BY_POSTGRES: AuditEntry = {
  id: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
  chain: 'tenant:acme',
  sequence: 4,
  recordedAt: '2026-12-07T02:05:30.992337Z',
  actorType: 'api-key',
  actorId: '0d5c1f4e-2b7a-4e8f-9a51-3f2d7c6b8e90',
  actorRole: 'owner',
  action: 'PUT /v1/message-types/{key}',
  target: '{"key":"überweisung"}',
  status: 201,
  requestId: 'req-42',
  clientAddress: '127.0.0.1',
  bodyDigest: 'a'.repeat(64),
  beforeDigest: null,
  previousHash: '3046d286bd76e4c13d3965e76d8ed1e705b59907c39461b054df69b2223df602',
  hash: 'd53d26c1998def7844750b221ff618832b245bc14fa9f474e8df45801df91b1b',
};

describe('auditEntryHash', () => {
  it('computes the hash PostgreSQL wrote for the same entry (multi-byte text included)', () => {
    expect(auditEntryHash(WRITTEN_BY_POSTGRES)).toBe(WRITTEN_BY_POSTGRES.hash);
  });

  it('changes with any field, the previous hash included', () => {
    const { hash, ...fields } = WRITTEN_BY_POSTGRES;
    expect(auditEntryHash({ ...fields, status: 200 })).not.toBe(hash);
    expect(auditEntryHash({ ...fields, previousHash: null })).not.toBe(hash);
    expect(auditEntryHash({ ...fields, recordedAt: '2026-12-07T02:05:30.992338Z' })).not.toBe(hash);
  });

  it('tells a missing value from an empty one, and shifted text from the field it came from', () => {
    const fields = WRITTEN_BY_POSTGRES;
    expect(auditEntryHash({ ...fields, actorRole: null })).not.toBe(
      auditEntryHash({ ...fields, actorRole: '' }),
    );
    expect(auditEntryHash({ ...fields, actorRole: 'own', action: `er${fields.action}` })).not.toBe(
      auditEntryHash(fields),
    );
  });
});
