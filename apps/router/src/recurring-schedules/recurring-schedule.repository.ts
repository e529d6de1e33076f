import { Injectable } from '@nestjs/common';
import type { ScheduledMessage, ScheduleStatusName } from '@switchboard/contracts';
import { DataSource } from 'typeorm';
import { RoutingEncryption, type Stored } from '../routing/routing-encryption';
import {
  type RecurringSchedule,
  RecurringScheduleStore,
  type RunAdvance,
  type ScheduleChanges,
} from './recurring-schedule';

interface ScheduleRow {
  id: string;
  tenant_id: string;
  name: string | null;
  cron: string;
  time_zone: string;
  /** Recipient email, phone and content sealed (plaintext in rows written before encryption). */
  message: Stored<ScheduledMessage>;
  tolerance_seconds: number;
  start_at: Date | null;
  end_at: Date | null;
  status: ScheduleStatusName;
  next_run_at: Date | null;
  last_run_at: Date | null;
  skipped_runs: number;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS =
  'id, tenant_id, name, cron, time_zone, message, tolerance_seconds, start_at, end_at, status, ' +
  'next_run_at, last_run_at, skipped_runs, created_at, updated_at';

const CHANGEABLE_COLUMNS: Record<keyof ScheduleChanges, string> = {
  name: 'name',
  cron: 'cron',
  timeZone: 'time_zone',
  message: 'message',
  toleranceSeconds: 'tolerance_seconds',
  startAt: 'start_at',
  endAt: 'end_at',
  status: 'status',
  nextRunAt: 'next_run_at',
};

/** Recurring schedules; the message each sends is stored sealed (RoutingEncryption). */
@Injectable()
export class RecurringScheduleRepository extends RecurringScheduleStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly routing: RoutingEncryption,
  ) {
    super();
  }

  async create(schedule: RecurringSchedule): Promise<void> {
    const message = await this.seal(schedule.tenantId, schedule.message);
    await this.dataSource.query(
      `INSERT INTO router.recurring_schedules (${COLUMNS})
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
      [
        schedule.id,
        schedule.tenantId,
        schedule.name,
        schedule.cron,
        schedule.timeZone,
        JSON.stringify(message),
        schedule.toleranceSeconds,
        schedule.startAt,
        schedule.endAt,
        schedule.status,
        schedule.nextRunAt,
        schedule.lastRunAt,
        schedule.skippedRuns,
        schedule.createdAt,
        schedule.updatedAt,
      ],
    );
  }

  async find(tenantId: string, id: string): Promise<RecurringSchedule | undefined> {
    const rows: ScheduleRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM router.recurring_schedules WHERE tenant_id = $1 AND id = $2`,
      [tenantId, id],
    );
    return (await this.open(rows))[0];
  }

  async list(tenantId: string, limit: number): Promise<RecurringSchedule[]> {
    const rows: ScheduleRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM router.recurring_schedules WHERE tenant_id = $1
       ORDER BY created_at, id LIMIT $2`,
      [tenantId, limit],
    );
    return this.open(rows);
  }

  async update(
    tenantId: string,
    id: string,
    changes: ScheduleChanges,
    updatedAt: Date,
  ): Promise<RecurringSchedule | undefined> {
    const assignments = ['updated_at = $3'];
    const values: unknown[] = [tenantId, id, updatedAt];
    for (const [field, column] of Object.entries(CHANGEABLE_COLUMNS)) {
      const value = changes[field as keyof ScheduleChanges];
      if (value === undefined) continue;
      values.push(
        field === 'message' ? JSON.stringify(await this.seal(tenantId, value as ScheduledMessage)) : value,
      );
      assignments.push(`${column} = $${values.length}`);
    }
    const [rows]: [ScheduleRow[], number] = await this.dataSource.query(
      `UPDATE router.recurring_schedules SET ${assignments.join(', ')}
       WHERE tenant_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
      values,
    );
    return (await this.open(rows))[0];
  }

  async delete(tenantId: string, id: string): Promise<boolean> {
    const [, deleted]: [unknown[], number] = await this.dataSource.query(
      `DELETE FROM router.recurring_schedules WHERE tenant_id = $1 AND id = $2`,
      [tenantId, id],
    );
    return deleted > 0;
  }

  // The row locks keep other replicas away from these schedules until the runs are advanced;
  // SKIP LOCKED lets them take the next ones instead of waiting.
  async claimDue(
    now: Date,
    limit: number,
    advance: (due: RecurringSchedule[]) => Promise<RunAdvance[]>,
  ): Promise<RunAdvance[]> {
    // An idle tick is this one indexed query, with no transaction: on the embedded database an
    // open transaction holds up every other connection.
    const anyDue: unknown[] = await this.dataSource.query(
      `SELECT 1 FROM router.recurring_schedules
       WHERE status = 'active' AND next_run_at IS NOT NULL AND next_run_at <= $1 LIMIT 1`,
      [now],
    );
    if (anyDue.length === 0) return [];
    // Opened once before the transaction, so that opening them inside finds their keys cached.
    await this.open(
      await this.dataSource.query(
        `SELECT ${COLUMNS} FROM router.recurring_schedules
         WHERE status = 'active' AND next_run_at IS NOT NULL AND next_run_at <= $1
         ORDER BY next_run_at LIMIT $2`,
        [now, limit],
      ),
    );
    return this.dataSource.transaction(async (manager) => {
      const rows: ScheduleRow[] = await manager.query(
        `SELECT ${COLUMNS} FROM router.recurring_schedules
         WHERE status = 'active' AND next_run_at IS NOT NULL AND next_run_at <= $1
         ORDER BY next_run_at
         LIMIT $2
         FOR UPDATE SKIP LOCKED`,
        [now, limit],
      );
      if (rows.length === 0) return [];
      const advances = await advance(await this.open(rows));
      await manager.query(
        `UPDATE router.recurring_schedules s
         SET next_run_at = advanced.next_run_at,
             last_run_at = COALESCE(advanced.last_run_at, s.last_run_at),
             skipped_runs = s.skipped_runs + CASE WHEN advanced.skipped THEN 1 ELSE 0 END
         FROM unnest($1::uuid[], $2::timestamptz[], $3::timestamptz[], $4::boolean[])
           AS advanced(id, next_run_at, last_run_at, skipped)
         WHERE s.id = advanced.id`,
        [
          advances.map((run) => run.id),
          advances.map((run) => run.nextRunAt),
          advances.map((run) => run.lastRunAt ?? null),
          advances.map((run) => run.skipped),
        ],
      );
      return advances;
    });
  }

  private async seal(tenantId: string, message: ScheduledMessage): Promise<Stored<ScheduledMessage>> {
    const [sealed] = await this.routing.sealMessagesOf([{ tenantId, message }]);
    return sealed;
  }

  /**
   * The schedules with their messages in the clear (one key lookup for all). A message that no
   * longer opens (its recipient was erased, the row not deleted yet) is left as stored, which the
   * run's validation refuses: nothing is sent.
   */
  private async open(rows: readonly ScheduleRow[]): Promise<RecurringSchedule[]> {
    const opened = await this.routing.openMessagesOf(
      rows.map((row) => ({ tenantId: row.tenant_id, message: row.message })),
    );
    return rows.map((row, index) =>
      fromRow(row, opened[index] ?? (row.message as unknown as ScheduledMessage)),
    );
  }
}

function fromRow(row: ScheduleRow, message: ScheduledMessage): RecurringSchedule {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    name: row.name,
    cron: row.cron,
    timeZone: row.time_zone,
    message,
    toleranceSeconds: row.tolerance_seconds,
    startAt: row.start_at,
    endAt: row.end_at,
    status: row.status,
    nextRunAt: row.next_run_at,
    lastRunAt: row.last_run_at,
    skippedRuns: row.skipped_runs,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
