import { Injectable } from '@nestjs/common';
import { bulkInsert } from '@switchboard/persistence';
import { DataSource, type EntityManager } from 'typeorm';
import type { PageCursor } from './page-cursor';
import type { ParkedDeadLetter } from './parked-record';

export type DeadLetterStatus = 'parked' | 'redriven' | 'all';

/**
 * Whose dead letters a call reaches: one tenant's (the tenant API), or for operators those without
 * a tenant, or those of every tenant and none.
 */
export type DeadLetterScope =
  { kind: 'tenant'; tenantId: string } | { kind: 'no-tenant' } | { kind: 'every-tenant' };

export interface DeadLetterFilter {
  topic?: string;
  status: DeadLetterStatus;
  limit: number;
  after?: PageCursor;
}

export interface StoredDeadLetter {
  id: string;
  tenantId: string | null;
  messageId: string | null;
  originalTopic: string;
  originalPartition: number;
  originalOffset: string;
  reason: string;
  attempts: number;
  key: Buffer | null;
  headers: Record<string, string>;
  payload: Buffer | null;
  parkedAt: Date;
  redrivenAt: Date | null;
}

/** Which parked dead letters of a scope to redrive: these ids, or all of a topic. */
export type RedriveSelection = { ids: string[] } | { topic: string };

interface DeadLetterRow {
  id: string;
  tenant_id: string | null;
  message_id: string | null;
  original_topic: string;
  original_partition: number;
  original_offset: string;
  reason: string;
  attempts: number;
  record_key: Buffer | null;
  headers: Record<string, string>;
  payload: Buffer | null;
  parked_at: Date;
  redriven_at: Date | null;
}

const COLUMNS = `id::text AS id, tenant_id, message_id, original_topic, original_partition, original_offset::text AS original_offset,
  reason, attempts, record_key, headers, payload, parked_at, redriven_at`;

// A topic's redrive goes out this many at a time, each chunk in its own transaction.
const REDRIVE_CHUNK = 500;
const ID_PATTERN = /^\d{1,18}$/;

@Injectable()
export class DeadLettersRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Stores a batch in one statement; one already stored (a redelivery) is skipped. */
  async store(letters: readonly ParkedDeadLetter[]): Promise<void> {
    await bulkInsert(
      this.dataSource,
      'analytics.dead_letters',
      letters.map((letter) => ({
        tenant_id: letter.tenantId,
        message_id: letter.messageId,
        original_topic: letter.originalTopic,
        original_partition: letter.originalPartition,
        original_offset: letter.originalOffset,
        reason: letter.reason,
        attempts: letter.attempts,
        record_key: letter.key,
        headers: JSON.stringify(letter.headers),
        payload: letter.payload,
        parked_at: letter.parkedAt,
      })),
      { onConflictDoNothing: ['original_topic', 'original_partition', 'original_offset'] },
    );
  }

  /** One page of a scope's dead letters, newest first; one more row than asked tells that more follow. */
  async list(scope: DeadLetterScope, filter: DeadLetterFilter): Promise<StoredDeadLetter[]> {
    const parameters: unknown[] = [];
    const conditions = [scopeCondition(scope, parameters)];
    if (filter.topic !== undefined) {
      parameters.push(filter.topic);
      conditions.push(`original_topic = $${parameters.length}`);
    }
    if (filter.status === 'parked') conditions.push('redriven_at IS NULL');
    if (filter.status === 'redriven') conditions.push('redriven_at IS NOT NULL');
    if (filter.after) {
      parameters.push(filter.after.parkedAt, filter.after.id);
      conditions.push(`(parked_at, id) < ($${parameters.length - 1}, $${parameters.length}::bigint)`);
    }
    parameters.push(filter.limit + 1);
    const rows: DeadLetterRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM analytics.dead_letters
       WHERE ${conditions.join(' AND ')}
       ORDER BY parked_at DESC, id DESC
       LIMIT $${parameters.length}`,
      parameters,
    );
    return rows.map(toStoredDeadLetter);
  }

  /**
   * Locks the selected parked dead letters, hands them to `publish`, and marks them redriven only once
   * it resolved (so a failed publish leaves them parked). A concurrent redrive of the same ones waits
   * for the lock and then finds them redriven. Returns the ids redriven.
   */
  async redrive(
    scope: DeadLetterScope,
    selection: RedriveSelection,
    publish: (letters: StoredDeadLetter[]) => Promise<void>,
  ): Promise<string[]> {
    if ('ids' in selection) {
      const ids = [...new Set(selection.ids.filter((id) => ID_PATTERN.test(id)))];
      if (ids.length === 0) return [];
      const parameters: unknown[] = [ids];
      const owned = scopeCondition(scope, parameters);
      return this.redriveChunk(publish, `id = ANY($1::bigint[]) AND ${owned}`, parameters);
    }
    // Only those parked before the redrive began: one that fails again is parked anew, not looped on.
    const parameters: unknown[] = [selection.topic];
    const owned = scopeCondition(scope, parameters);
    const [{ last_id: lastId }]: Array<{ last_id: string | null }> = await this.dataSource.query(
      `SELECT max(id)::text AS last_id FROM analytics.dead_letters WHERE original_topic = $1 AND ${owned}`,
      parameters,
    );
    if (lastId === null) return [];
    parameters.push(lastId);
    const redriven: string[] = [];
    for (;;) {
      const chunk = await this.redriveChunk(
        publish,
        `original_topic = $1 AND ${owned} AND id <= $${parameters.length}::bigint`,
        parameters,
        REDRIVE_CHUNK,
      );
      redriven.push(...chunk);
      if (chunk.length < REDRIVE_CHUNK) return redriven;
    }
  }

  private redriveChunk(
    publish: (letters: StoredDeadLetter[]) => Promise<void>,
    condition: string,
    parameters: unknown[],
    limit?: number,
  ): Promise<string[]> {
    return this.dataSource.transaction(async (manager: EntityManager) => {
      // In the original order, so that events of one key go back in the order they first came.
      const rows: DeadLetterRow[] = await manager.query(
        `SELECT ${COLUMNS} FROM analytics.dead_letters
         WHERE redriven_at IS NULL AND ${condition}
         ORDER BY original_topic, original_partition, original_offset
         ${limit === undefined ? '' : `LIMIT ${limit}`}
         FOR UPDATE`,
        parameters,
      );
      if (rows.length === 0) return [];
      await publish(rows.map(toStoredDeadLetter));
      const ids = rows.map((row) => row.id);
      await manager.query(
        `UPDATE analytics.dead_letters SET redriven_at = now() WHERE id = ANY($1::bigint[])`,
        [ids],
      );
      return ids;
    });
  }
}

/** The SQL condition of a scope, adding its parameter (if any) to `parameters`. */
function scopeCondition(scope: DeadLetterScope, parameters: unknown[]): string {
  switch (scope.kind) {
    case 'tenant':
      parameters.push(scope.tenantId);
      return `tenant_id = $${parameters.length}`;
    case 'no-tenant':
      return 'tenant_id IS NULL';
    case 'every-tenant':
      return 'true';
    default:
      return exhaustive(scope);
  }
}

function exhaustive(scope: never): never {
  throw new Error(`unknown dead letter scope ${JSON.stringify(scope)}`);
}

function toStoredDeadLetter(row: DeadLetterRow): StoredDeadLetter {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    messageId: row.message_id,
    originalTopic: row.original_topic,
    originalPartition: row.original_partition,
    originalOffset: row.original_offset,
    reason: row.reason,
    attempts: row.attempts,
    key: row.record_key,
    headers: row.headers,
    payload: row.payload,
    parkedAt: row.parked_at,
    redrivenAt: row.redriven_at,
  };
}
