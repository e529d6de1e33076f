import { Injectable } from '@nestjs/common';
import type { ChannelName, ChannelPolicyName, PolicyRuleName, RenderRequested } from '@switchboard/contracts';
import { bulkInsert } from '@switchboard/persistence';
import { DataSource } from 'typeorm';
import type { RouteDecisionName } from './decide-route';
import type { EntityManager } from 'typeorm';
import {
  type DecideNewBatch,
  type DecisionRecord,
  DecisionStore,
  type DeferredMessage,
  type Reroute,
} from './decision-store';
import { findCancelledIn, lockAndLoadLedger, lockMessages, writeLedger } from './pg-policy-ledger';

interface DecisionRow {
  message_id: string;
  tenant_id: string;
  decision: RouteDecisionName;
  rule: PolicyRuleName | null;
  message_type: string | null;
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

  async decideNew(batch: DecideNewBatch): Promise<Set<string>> {
    return this.dataSource.transaction(async (manager) => {
      // The messages' locks serialise routing with a tenant cancelling one of them: whichever
      // comes second sees the other (a decision, or a cancellation to honour).
      await lockMessages(manager, batch.messages);
      const state = await lockAndLoadLedger(manager, batch.ledger);
      const decidedBefore: Array<{ message_id: string }> = await manager.query(
        `SELECT message_id FROM router.decisions WHERE message_id = ANY($1::uuid[])`,
        [batch.messageIds],
      );
      const before = new Set(decidedBefore.map((row) => row.message_id));
      const undecided = new Set(batch.messageIds.filter((id) => !before.has(id)));
      if (undecided.size === 0) return new Set<string>();
      const cancelled = await findCancelledIn(
        manager,
        batch.messages.filter(({ messageId }) => undecided.has(messageId)),
      );
      const { records, deferred, writes } = batch.decide({ ...state, cancelled }, undecided);
      const inserted = await bulkInsert(manager, 'router.decisions', records.map(toRow), {
        onConflictDoNothing: true,
        returning: ['message_id'],
      });
      const recorded = new Set(inserted.map((row) => String(row.message_id)));
      await insertDeferrals(
        manager,
        deferred.filter((deferral) => recorded.has(deferral.messageId)),
      );
      await writeLedger(manager, writes);
      return recorded;
    });
  }

  async findByIds(messageIds: string[]): Promise<DecisionRecord[]> {
    const rows: DecisionRow[] = await this.dataSource.query(
      `SELECT message_id, tenant_id, decision, rule, message_type, reason, channel, address, decided_at, channel_policy, render_requests
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

/** The deferred messages, to be decided again once due. */
export async function insertDeferrals(manager: EntityManager, deferred: DeferredMessage[]): Promise<void> {
  if (deferred.length === 0) return;
  await bulkInsert(
    manager,
    'router.schedules',
    deferred.map((deferral) => ({
      message_id: deferral.messageId,
      tenant_id: deferral.tenantId,
      due_at: deferral.dueAt,
      payload: '[]',
      message: JSON.stringify(deferral.message),
      rule: deferral.rule,
    })),
    { onConflictDoNothing: true },
  );
}

export function toRow(decision: DecisionRecord): Record<string, unknown> {
  return {
    message_id: decision.messageId,
    tenant_id: decision.tenantId,
    decision: decision.decision,
    rule: decision.rule ?? null,
    message_type: decision.messageType ?? null,
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
    ...(row.rule === null ? {} : { rule: row.rule }),
    ...(row.message_type === null ? {} : { messageType: row.message_type }),
    ...(row.channel === null ? {} : { channel: row.channel }),
    ...(row.address === null ? {} : { address: row.address }),
    ...(row.reason === null ? {} : { reason: row.reason }),
    decidedAt: row.decided_at,
    channelPolicy: row.channel_policy,
    renderRequests: row.render_requests,
  };
}
