import type { RecipientExportAuditEntry } from '@switchboard/contracts';
import type { DataSource } from 'typeorm';
import { tenantChain } from '../audit/audit-entry';
import { sha256Hex } from '../audit/audit-digest';

interface AuditEntryRow {
  id: string;
  sequence: string;
  recorded_at: string;
  actor_type: string;
  actor_id: string | null;
  action: string;
  target: string;
  status: number;
}

export interface AuditEntryPage {
  entries: RecipientExportAuditEntry[];
  /** The sequence to continue after; null when this was the last page. */
  lastSequence: number | null;
}

/**
 * The entries of a tenant's audit log about one person: a call whose route named their recipient
 * id, an action they took themselves (a signed link), or a route naming one of their addresses,
 * which the log keeps only as a sha256 (auditTarget).
 */
export class RecipientAuditEntryRepository {
  constructor(private readonly dataSource: DataSource) {}

  async page(
    tenantId: string,
    recipientId: string,
    addresses: readonly string[],
    afterSequence: number,
    limit: number,
  ): Promise<AuditEntryPage> {
    const addressHashes = [...new Set(addresses.flatMap((address) => [address, address.toLowerCase()]))].map(
      (address) => `sha256:${sha256Hex(address)}`,
    );
    const rows: AuditEntryRow[] = await this.dataSource.query(
      `SELECT id, sequence, gateway.audit_time(recorded_at) AS recorded_at, actor_type, actor_id, action, target, status
       FROM gateway.audit_log
       WHERE chain = $1 AND sequence > $2
         AND ((target::jsonb ->> 'recipientId') = $3
              OR (actor_type = 'recipient' AND actor_id = $3)
              OR EXISTS (SELECT 1 FROM unnest($4::text[]) AS hash WHERE strpos(target, hash) > 0))
       ORDER BY sequence
       LIMIT $5`,
      [tenantChain(tenantId), afterSequence, recipientId, addressHashes, limit + 1],
    );
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      entries: page.map((row) => ({
        id: row.id,
        sequence: Number(row.sequence),
        recordedAt: row.recorded_at,
        actorType: row.actor_type,
        actorId: row.actor_id,
        action: row.action,
        target: row.target,
        status: row.status,
      })),
      lastSequence: rows.length > limit && last ? Number(last.sequence) : null,
    };
  }
}
