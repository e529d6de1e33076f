import type { AuditEntry, AuditEntryDraft } from './audit-entry';

/** Narrows GET /v1/audit-log; every field is optional. */
export interface AuditLogFilter {
  actorKeyId?: string;
  action?: string;
  /** A part of the target's JSON, e.g. a message type's key. */
  targetContains?: string;
  from?: Date;
  to?: Date;
  /** Only entries older than this sequence number (the cursor). */
  beforeSequence?: number;
}

/** The audit log's storage: append-only, one hash chain per tenant and one for the platform. */
export abstract class AuditLog {
  /** Appends the entry at the head of its chain; resolves with its sequence number. */
  abstract append(draft: AuditEntryDraft): Promise<number>;

  /** Newest first. */
  abstract list(chain: string, filter: AuditLogFilter, limit: number): Promise<AuditEntry[]>;

  /** Oldest first, from the entry after `afterSequence` (0: from the start). */
  abstract readChain(chain: string, afterSequence: number, limit: number): Promise<AuditEntry[]>;

  abstract chains(): Promise<string[]>;
}
