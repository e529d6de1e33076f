import { Injectable } from '@nestjs/common';
import type { ChannelName, ChannelPolicyName, RenderRequested } from '@switchboard/contracts';
import { bulkInsert } from '@switchboard/persistence';
import { DataSource } from 'typeorm';
import type { RouteDecisionName } from './decide-route';
import { type DecisionRecord, DecisionStore, type Reroute, type ScheduledRender } from './decision-store';

interface DecisionRow {
  message_id: string;
  tenant_id: string;
  decision: RouteDecisionName;
  reason: string | null;
  channel: ChannelName | null;
  address: string | null;
  decided_at: Date;
  channel_policy: ChannelPolicyName;
  render_requests: RenderRequested[];
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
            payload: JSON.stringify(schedule.renderRequests),
          })),
          { onConflictDoNothing: true },
        );
      }
      return recorded;
    });
  }

  async findByIds(messageIds: string[]): Promise<DecisionRecord[]> {
    const rows: DecisionRow[] = await this.dataSource.query(
      `SELECT message_id, tenant_id, decision, reason, channel, address, decided_at, channel_policy, render_requests
       FROM router.decisions WHERE message_id = ANY($1::uuid[])`,
      [messageIds],
    );
    return rows.map(fromRow);
  }

  async recordReroute(reroute: Reroute, publish: () => Promise<void>): Promise<boolean> {
    // The insert holds the row's key until commit, so a concurrent duplicate waits and then finds it.
    return this.dataSource.transaction(async (manager) => {
      const inserted: unknown[] = await manager.query(
        `INSERT INTO router.reroutes (message_id, tenant_id, from_channel, to_channel, reason, rerouted_at)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT DO NOTHING RETURNING message_id`,
        [
          reroute.messageId,
          reroute.tenantId,
          reroute.fromChannel,
          reroute.toChannel,
          reroute.reason,
          reroute.reroutedAt,
        ],
      );
      if (inserted.length === 0) return false;
      await publish();
      return true;
    });
  }
}

function toRow(decision: DecisionRecord): Record<string, unknown> {
  return {
    message_id: decision.messageId,
    tenant_id: decision.tenantId,
    decision: decision.decision,
    reason: decision.reason ?? null,
    channel: decision.channel ?? null,
    address: decision.address ?? null,
    decided_at: decision.decidedAt,
    channel_policy: decision.channelPolicy,
    render_requests: JSON.stringify(decision.renderRequests),
  };
}

function fromRow(row: DecisionRow): DecisionRecord {
  return {
    tenantId: row.tenant_id,
    messageId: row.message_id,
    decision: row.decision,
    ...(row.channel === null ? {} : { channel: row.channel }),
    ...(row.address === null ? {} : { address: row.address }),
    ...(row.reason === null ? {} : { reason: row.reason }),
    decidedAt: row.decided_at,
    channelPolicy: row.channel_policy,
    renderRequests: row.render_requests,
  };
}
