import { withDeadline } from '@switchboard/faults';
import type { DataSource } from 'typeorm';
import type { AuditActorType, AuditEntry, AuditEntryDraft } from './audit-entry';
import { AuditLog, type AuditLogFilter } from './audit-log';

interface AuditLogRow {
  id: string;
  chain: string;
  sequence: string;
  recorded_at: string;
  actor_type: AuditActorType;
  actor_id: string | null;
  actor_role: string | null;
  action: string;
  target: string;
  status: number;
  request_id: string;
  client_address: string | null;
  body_digest: string | null;
  before_digest: string | null;
  previous_hash: string | null;
  hash: string;
}

// recorded_at as the exact text the hash covers (microseconds, UTC), not a rounded JS Date.
const COLUMNS = `id, chain, sequence, gateway.audit_time(recorded_at) AS recorded_at, actor_type, actor_id,
  actor_role, action, target, status, request_id, client_address, body_digest, before_digest, previous_hash, hash`;

export class AuditLogRepository extends AuditLog {
  constructor(
    private readonly dataSource: DataSource,
    /** A database that does not answer must not hold the caller: it hears 503 instead. */
    private readonly appendTimeoutMs: number,
  ) {
    super();
  }

  async append(draft: AuditEntryDraft): Promise<number> {
    const { actor } = draft;
    // One round trip: the function locks the chain, reads its head and inserts (see the migration).
    const append: Promise<{ sequence: string }[]> = this.dataSource.query(
      `SELECT gateway.append_audit_entry($1, $2, $3, $4, $5, $6, $7, $8::smallint, $9, $10, $11, $12) AS sequence`,
      [
        draft.id,
        draft.chain,
        actor.type,
        'id' in actor ? actor.id : null,
        actor.type === 'api-key' ? actor.role : null,
        draft.action,
        draft.target,
        draft.status,
        draft.requestId,
        draft.clientAddress,
        draft.bodyDigest,
        draft.beforeDigest,
      ],
    );
    const rows = await withDeadline(append, this.appendTimeoutMs, 'the database');
    return Number(rows[0]?.sequence);
  }

  async list(chain: string, filter: AuditLogFilter, limit: number): Promise<AuditEntry[]> {
    const rows: AuditLogRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM gateway.audit_log
       WHERE chain = $1
         AND ($2::text IS NULL OR (actor_type = 'api-key' AND actor_id = $2))
         AND ($3::text IS NULL OR action = $3)
         AND ($4::text IS NULL OR strpos(target, $4) > 0)
         AND ($5::timestamptz IS NULL OR recorded_at >= $5)
         AND ($6::timestamptz IS NULL OR recorded_at < $6)
         AND ($7::bigint IS NULL OR sequence < $7)
       ORDER BY sequence DESC
       LIMIT $8`,
      [
        chain,
        filter.actorKeyId ?? null,
        filter.action ?? null,
        filter.targetContains ?? null,
        filter.from ?? null,
        filter.to ?? null,
        filter.beforeSequence ?? null,
        limit,
      ],
    );
    return rows.map(toEntry);
  }

  async readChain(chain: string, afterSequence: number, limit: number): Promise<AuditEntry[]> {
    const rows: AuditLogRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM gateway.audit_log WHERE chain = $1 AND sequence > $2 ORDER BY sequence LIMIT $3`,
      [chain, afterSequence, limit],
    );
    return rows.map(toEntry);
  }

  async chains(): Promise<string[]> {
    const rows: { chain: string }[] = await this.dataSource.query(
      `SELECT DISTINCT chain FROM gateway.audit_log ORDER BY chain`,
    );
    return rows.map((row) => row.chain);
  }
}

function toEntry(row: AuditLogRow): AuditEntry {
  return {
    id: row.id,
    chain: row.chain,
    sequence: Number(row.sequence),
    recordedAt: row.recorded_at,
    actorType: row.actor_type,
    actorId: row.actor_id,
    actorRole: row.actor_role,
    action: row.action,
    target: row.target,
    status: row.status,
    requestId: row.request_id,
    clientAddress: row.client_address,
    bodyDigest: row.body_digest,
    beforeDigest: row.before_digest,
    previousHash: row.previous_hash,
    hash: row.hash,
  };
}
