import { createHash } from 'node:crypto';
import type { AuditEntry } from './audit-entry';

const ENCODING_VERSION = 'audit-v1';

/**
 * The hash of an entry: sha256 over a length-prefixed encoding of every field, the previous
 * entry's hash included. The database computes it when appending (gateway.append_audit_entry);
 * this is the independent recomputation that verification trusts. The two must stay the same.
 */
/** Reads only the hashed fields: an entry's own `hash` is ignored. */
export function auditEntryHash(entry: Omit<AuditEntry, 'hash'>): string {
  const encoded =
    ENCODING_VERSION +
    [
      entry.id,
      entry.chain,
      String(entry.sequence),
      entry.recordedAt,
      entry.actorType,
      entry.actorId,
      entry.actorRole,
      entry.action,
      entry.target,
      String(entry.status),
      entry.requestId,
      entry.clientAddress,
      entry.bodyDigest,
      entry.beforeDigest,
      entry.previousHash,
    ]
      .map(field)
      .join('');
  return createHash('sha256').update(encoded, 'utf8').digest('hex');
}

function field(value: string | null): string {
  return value === null ? '~' : `${Buffer.byteLength(value, 'utf8')}:${value}`;
}
