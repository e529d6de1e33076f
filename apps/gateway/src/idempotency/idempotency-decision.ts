import type { RequestFingerprint } from './idempotency-encryption';
import type { IdempotencyRecord, StoredResponse } from './idempotency-record';

export type IdempotencyDecision =
  /** The first request finished: answer what it answered. */
  | { kind: 'replay'; response: StoredResponse }
  /** The key was first used for a different request. */
  | { kind: 'mismatch' }
  /** The first request is still working on it. */
  | { kind: 'wait' }
  /** No record (the first request failed and released it): try to claim the key. */
  | { kind: 'claim' }
  /** An expired record, or one left pending by a request that died: remove it, then claim. */
  | { kind: 'take-over' };

/** What a request that could not claim its idempotency key does next, given the record it found. */
export function decideOnExistingRecord(
  record: IdempotencyRecord | undefined,
  fingerprint: RequestFingerprint,
  now: Date,
  abandonedAfterMs: number,
): IdempotencyDecision {
  if (!record) return { kind: 'claim' };
  if (record.expiresAt.getTime() <= now.getTime()) return { kind: 'take-over' };
  const sameRequest =
    record.requestHash === fingerprint.requestHash ||
    (fingerprint.legacyRequestHash !== undefined && record.requestHash === fingerprint.legacyRequestHash);
  if (!sameRequest) return { kind: 'mismatch' };
  if (record.state === 'completed' && record.response) return { kind: 'replay', response: record.response };
  if (record.createdAt.getTime() + abandonedAfterMs <= now.getTime()) return { kind: 'take-over' };
  return { kind: 'wait' };
}
