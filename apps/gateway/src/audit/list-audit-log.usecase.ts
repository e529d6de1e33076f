import { tenantChain, type AuditEntry } from './audit-entry';
import type { AuditLog } from './audit-log';
import type { AuditEntryView, ListAuditLogQuery } from './audit-log-http';

/** One page of a tenant's audit log, newest first; the cursor is the last entry's sequence number. */
export class ListAuditLog {
  constructor(private readonly auditLog: AuditLog) {}

  async execute(
    tenantId: string,
    query: ListAuditLogQuery,
  ): Promise<{ entries: AuditEntryView[]; nextCursor: string | null }> {
    const entries = await this.auditLog.list(
      tenantChain(tenantId),
      {
        actorKeyId: query.actorKeyId,
        action: query.action,
        targetContains: query.target,
        from: query.from === undefined ? undefined : new Date(query.from),
        to: query.to === undefined ? undefined : new Date(query.to),
        beforeSequence: query.cursor === undefined ? undefined : Number(query.cursor),
      },
      query.limit,
    );
    const last = entries.at(-1);
    return {
      entries: entries.map(viewOf),
      nextCursor: entries.length === query.limit && last !== undefined ? String(last.sequence) : null,
    };
  }
}

function viewOf(entry: AuditEntry): AuditEntryView {
  return {
    id: entry.id,
    sequence: entry.sequence,
    recordedAt: entry.recordedAt,
    actor: { type: entry.actorType, id: entry.actorId, role: entry.actorRole },
    action: entry.action,
    target: JSON.parse(entry.target) as Record<string, string>,
    status: entry.status,
    requestId: entry.requestId,
    clientAddress: entry.clientAddress,
    bodyDigest: entry.bodyDigest,
    beforeDigest: entry.beforeDigest,
    previousHash: entry.previousHash,
    hash: entry.hash,
  };
}
