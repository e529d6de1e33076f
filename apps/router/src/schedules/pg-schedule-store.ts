import { Injectable } from '@nestjs/common';
import type { RenderRequested } from '@switchboard/contracts';
import { DataSource } from 'typeorm';
import type { ScheduledRender } from '../routing/decision-store';
import { ScheduleStore } from './schedule-store';

interface ScheduleRow {
  message_id: string;
  tenant_id: string;
  due_at: Date;
  payload: RenderRequested | RenderRequested[];
}

@Injectable()
export class PgScheduleStore extends ScheduleStore {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  // The row locks keep other replicas away from these schedules until the transaction ends;
  // SKIP LOCKED lets them take the next ones instead of waiting.
  async releaseDue(
    now: Date,
    limit: number,
    release: (due: ScheduledRender[]) => Promise<void>,
  ): Promise<ScheduledRender[]> {
    return this.dataSource.transaction(async (manager) => {
      const rows: ScheduleRow[] = await manager.query(
        `SELECT message_id, tenant_id, due_at, payload FROM router.schedules
         WHERE released_at IS NULL AND due_at <= $1
         ORDER BY due_at
         LIMIT $2
         FOR UPDATE SKIP LOCKED`,
        [now, limit],
      );
      if (rows.length === 0) return [];
      const due = rows.map((row) => ({
        tenantId: row.tenant_id,
        messageId: row.message_id,
        dueAt: row.due_at,
        // Schedules recorded before channel choice hold a single render request.
        renderRequests: Array.isArray(row.payload) ? row.payload : [row.payload],
      }));
      await release(due);
      await manager.query(`UPDATE router.schedules SET released_at = $1 WHERE message_id = ANY($2::uuid[])`, [
        now,
        due.map((schedule) => schedule.messageId),
      ]);
      return due;
    });
  }
}
