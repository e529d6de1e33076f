import { decideOnExistingRecord } from './idempotency-decision';
import type { IdempotencyRecord } from './idempotency-record';

const now = new Date('2026-03-01T12:00:00Z');
const abandonedAfterMs = 60_000;

function record(overrides: Partial<IdempotencyRecord> = {}): IdempotencyRecord {
  return {
    tenantId: 'acme',
    key: 'order-42',
    requestHash: 'hash-a',
    state: 'completed',
    response: { status: 202, body: { messageId: 'm-1', status: 'accepted' } },
    createdAt: new Date(now.getTime() - 1_000),
    expiresAt: new Date(now.getTime() + 86_400_000),
    ...overrides,
  };
}

describe('decideOnExistingRecord', () => {
  it('claims the key when the record is gone (the first request failed and released it)', () => {
    expect(decideOnExistingRecord(undefined, { requestHash: 'hash-a' }, now, abandonedAfterMs)).toEqual({
      kind: 'claim',
    });
  });

  it('replays the stored response for the same request', () => {
    expect(decideOnExistingRecord(record(), { requestHash: 'hash-a' }, now, abandonedAfterMs)).toEqual({
      kind: 'replay',
      response: { status: 202, body: { messageId: 'm-1', status: 'accepted' } },
    });
  });

  it('rejects a different request under the same key, finished or not', () => {
    expect(decideOnExistingRecord(record(), { requestHash: 'hash-b' }, now, abandonedAfterMs)).toEqual({
      kind: 'mismatch',
    });
    expect(
      decideOnExistingRecord(
        record({ state: 'pending', response: undefined }),
        { requestHash: 'hash-b' },
        now,
        abandonedAfterMs,
      ),
    ).toEqual({ kind: 'mismatch' });
  });

  it('waits while the first request is still pending', () => {
    const pending = record({ state: 'pending', response: undefined });
    expect(decideOnExistingRecord(pending, { requestHash: 'hash-a' }, now, abandonedAfterMs)).toEqual({
      kind: 'wait',
    });
  });

  it('takes over a record left pending longer than the abandon timeout', () => {
    const abandoned = record({
      state: 'pending',
      response: undefined,
      createdAt: new Date(now.getTime() - abandonedAfterMs),
    });
    expect(decideOnExistingRecord(abandoned, { requestHash: 'hash-a' }, now, abandonedAfterMs)).toEqual({
      kind: 'take-over',
    });
  });

  it('takes over an expired record, even for a different request', () => {
    const expired = record({ expiresAt: now });
    expect(decideOnExistingRecord(expired, { requestHash: 'hash-b' }, now, abandonedAfterMs)).toEqual({
      kind: 'take-over',
    });
  });

  it('recognises a record written before the keyed fingerprint by its unkeyed hash, and only the same request', () => {
    const legacy = record({ requestHash: 'sha256-a' });
    expect(
      decideOnExistingRecord(
        legacy,
        { requestHash: 'hmac-a', legacyRequestHash: 'sha256-a' },
        now,
        abandonedAfterMs,
      ),
    ).toMatchObject({ kind: 'replay' });
    expect(
      decideOnExistingRecord(
        legacy,
        { requestHash: 'hmac-b', legacyRequestHash: 'sha256-b' },
        now,
        abandonedAfterMs,
      ),
    ).toEqual({ kind: 'mismatch' });
  });
});
