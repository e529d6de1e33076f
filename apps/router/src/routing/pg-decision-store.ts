import { Injectable } from '@nestjs/common';
import { bulkInsert } from '@switchboard/persistence';
import { DataSource } from 'typeorm';
import type { RouteDecisionName } from './decide-route';
import { type DecisionRecord, DecisionStore, type ScheduledRender } from './decision-store';

interface DecisionRow {
  message_id: string;
  tenant_id: string;
  decision: RouteDecisionName;
  reason: string | null;
  channel: 'email';
  address: string;
  decided_at: Date;
}

@Injectable()
export class PgDecisionStore extends DecisionStore {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  async recordNew(decisions: DecisionRecord[], schedules: ScheduledRender[]): Promise<Set<string>> {
    return this.dataSource.transaction(async (manager) => {
      const inserted = await bulkInsert(manager, 'router.decisions', decisions.map(toRow), {
        onConflictDoNothing: true,
        returning: ['message_id'],
      });
      const recorded = new Set(inserted.map((row) => String(row.message_id)));
      const newSchedules = schedules.filter((schedule) => recorded.has(schedule.messageId));
      if (newSchedules.length > 0) {
        await bulkInsert(
          manager,
          'router.schedules',
          newSchedules.map((schedule) => ({
            message_id: schedule.messageId,
            tenant_id: schedule.tenantId,
            due_at: schedule.dueAt,
            payload: JSON.stringify(schedule.renderRequest),
          })),
          { onConflictDoNothing: true },
        );
      }
      return recorded;
    });
  }

  async findByIds(messageIds: string[]): Promise<DecisionRecord[]> {
    const rows: DecisionRow[] = await this.dataSource.query(
      `SELECT message_id, tenant_id, decision, reason, channel, address, decided_at
       FROM router.decisions WHERE message_id = ANY($1::uuid[])`,
      [messageIds],
    );
    return rows.map(fromRow);
  }
}

function toRow(decision: DecisionRecord): Record<string, unknown> {
  return {
    message_id: decision.messageId,
    tenant_id: decision.tenantId,
    decision: decision.decision,
    reason: decision.reason ?? null,
    channel: decision.channel,
    address: decision.address,
    decided_at: decision.decidedAt,
  };
}

function fromRow(row: DecisionRow): DecisionRecord {
  return {
    tenantId: row.tenant_id,
    messageId: row.message_id,
    decision: row.decision,
    channel: row.channel,
    address: row.address,
    ...(row.reason === null ? {} : { reason: row.reason }),
    decidedAt: row.decided_at,
  };
}
