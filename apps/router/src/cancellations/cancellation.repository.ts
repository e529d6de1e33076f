import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { findCancelledIn, lockMessages } from '../routing/policy-ledger.repository';
import { type CancellationOutcome, CancellationStore, type TenantMessage } from './cancellation-store';

interface WaitingRow {
  released_at: Date | null;
  cancelled_at: Date | null;
}

@Injectable()
export class CancellationRepository extends CancellationStore {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  async cancel(
    message: TenantMessage,
    cancelledAt: Date,
    publish: () => Promise<void>,
  ): Promise<CancellationOutcome> {
    return this.dataSource.transaction(async (manager) => {
      // Routing decides under the same lock: it either decided first (found below) or will find
      // the cancellation recorded here, so a 202 'cancelling' is always honoured.
      await lockMessages(manager, [message]);
      const decisions: Array<{ decision: string }> = await manager.query(
        `SELECT decision FROM router.decisions WHERE tenant_id = $1 AND message_id = $2`,
        [message.tenantId, message.messageId],
      );
      if (decisions.length === 0) {
        await record(manager, message, cancelledAt);
        return 'pending';
      }
      // Routing ends a message 'cancelled' when a cancellation came before it: asked again, the answer stays.
      if (decisions[0].decision === 'cancelled') return 'cancelled';
      if (decisions[0].decision !== 'deferred') return 'already-sent';
      // The lock waits for a release in progress (which holds the row), so a message is never both
      // released and cancelled; the release skips a row locked here and then sees cancelled_at.
      const waiting: WaitingRow[] = await manager.query(
        `SELECT released_at, cancelled_at FROM router.schedules
         WHERE tenant_id = $1 AND message_id = $2 FOR UPDATE`,
        [message.tenantId, message.messageId],
      );
      if (waiting.length === 0 || waiting[0].released_at !== null) return 'already-sent';
      if (waiting[0].cancelled_at !== null) return 'cancelled';
      await manager.query(
        `UPDATE router.schedules SET cancelled_at = $3 WHERE tenant_id = $1 AND message_id = $2`,
        [message.tenantId, message.messageId, cancelledAt],
      );
      await record(manager, message, cancelledAt);
      await publish();
      return 'cancelled';
    });
  }

  findCancelled(messages: readonly TenantMessage[]): Promise<Set<string>> {
    return findCancelledIn(this.dataSource.manager, messages);
  }
}

function record(manager: EntityManager, message: TenantMessage, cancelledAt: Date): Promise<unknown> {
  return manager.query(
    `INSERT INTO router.cancellations (tenant_id, message_id, cancelled_at) VALUES ($1, $2, $3)
     ON CONFLICT DO NOTHING`,
    [message.tenantId, message.messageId, cancelledAt],
  );
}
