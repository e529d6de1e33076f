import { Inject, Injectable } from '@nestjs/common';
import type { RenderRequested } from '@switchboard/contracts';
import { bulkInsert } from '@switchboard/persistence';
import { ENCRYPTION, type Encryption } from '@switchboard/encryption';
import { DataSource } from 'typeorm';
import { sealedRow, sealRecords } from '../routing/decision.repository';
import {
  ledgerRecipientIndex,
  type LedgerRecipientIndex,
  lockAndLoadLedger,
  onceEach,
  writeLedger,
} from '../routing/policy-ledger.repository';
import { ownerOf, RoutingEncryption, type StoredMessage } from '../routing/routing-encryption';
import { type DueDeferral, type ReleasePlan, ScheduleStore } from './schedule-store';

interface ScheduleRow {
  message_id: string;
  tenant_id: string;
  due_at: Date;
  payload: RenderRequested | RenderRequested[];
  /** Recipient email, phone and content sealed (plaintext in rows written before encryption). */
  message: StoredMessage | null;
}

@Injectable()
export class ScheduleRepository extends ScheduleStore {
  private readonly ledgerIndex: LedgerRecipientIndex;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(ENCRYPTION) encryption: Pick<Encryption, 'blindIndex'>,
    private readonly routing: RoutingEncryption,
  ) {
    super();
    this.ledgerIndex = ledgerRecipientIndex(encryption.blindIndex);
  }

  async findDue(now: Date, limit: number): Promise<DueDeferral[]> {
    const rows: ScheduleRow[] = await this.dataSource.query(
      `SELECT message_id, tenant_id, due_at, payload, message FROM router.schedules
       WHERE released_at IS NULL AND cancelled_at IS NULL AND due_at <= $1
       ORDER BY due_at
       LIMIT $2`,
      [now, limit],
    );
    const withMessage = rows.filter((row) => row.message !== null);
    const opened = new Map(
      (await this.routing.openMessages(withMessage.map((row) => row.message as StoredMessage))).map(
        (message, index) => [withMessage[index].message_id, message],
      ),
    );
    return rows.flatMap((row) => {
      const message = opened.get(row.message_id);
      // Its recipient was erased (the key is gone) and the row not deleted yet: nothing to send.
      if (row.message !== null && message === undefined) return [];
      return [
        {
          tenantId: row.tenant_id,
          messageId: row.message_id,
          dueAt: row.due_at,
          ...(message === undefined ? {} : { message }),
          // Schedules recorded before channel choice hold a single render request.
          renderRequests: Array.isArray(row.payload) ? row.payload : [row.payload],
        },
      ];
    });
  }

  // The row locks keep other replicas away from these deferrals until the transaction ends;
  // SKIP LOCKED lets them take others instead of waiting. Facts were loaded before it began:
  // on the embedded database an open transaction blocks every other connection.
  async release(due: DueDeferral[], now: Date, plan: ReleasePlan): Promise<number> {
    const owners = new Map(
      due.map((deferral) => [
        deferral.messageId,
        deferral.message ? ownerOf(deferral.message) : { tenantId: deferral.tenantId },
      ]),
    );
    // Sealing inside the transaction then finds every key cached.
    await this.routing.prepare([...owners.values()]);
    const ledgerIndex = onceEach(this.ledgerIndex);
    return this.dataSource.transaction(async (manager) => {
      const claimedRows: Array<{ message_id: string }> = await manager.query(
        `SELECT message_id FROM router.schedules
         WHERE message_id = ANY($1::uuid[]) AND released_at IS NULL AND cancelled_at IS NULL AND due_at <= $2
         FOR UPDATE SKIP LOCKED`,
        [due.map((deferral) => deferral.messageId), now],
      );
      const claimedIds = new Set(claimedRows.map((row) => row.message_id));
      if (claimedIds.size === 0) return 0;
      const claimed = due.filter((deferral) => claimedIds.has(deferral.messageId));

      const state = await lockAndLoadLedger(manager, plan.ledger, ledgerIndex);
      const { records, deferred, writes } = plan.decide(claimedIds, state);
      if (records.length > 0) {
        await manager.query(`DELETE FROM router.decisions WHERE message_id = ANY($1::uuid[])`, [
          records.map((record) => record.messageId),
        ]);
        const sealed = await sealRecords(this.routing, records, (record) => owners.get(record.messageId));
        // A jsonb column takes JSON text here: the sealed render requests as a JSON string.
        await bulkInsert(
          manager,
          'router.decisions',
          sealed.map((record) => {
            const row = sealedRow(record);
            return { ...row, render_requests: JSON.stringify(row.render_requests) };
          }),
        );
      }
      if (deferred.length > 0) {
        await manager.query(
          `UPDATE router.schedules AS s SET due_at = d.due_at, rule = d.rule
           FROM unnest($1::uuid[], $2::timestamptz[], $3::text[]) AS d(message_id, due_at, rule)
           WHERE s.message_id = d.message_id`,
          [
            deferred.map((deferral) => deferral.messageId),
            deferred.map((deferral) => deferral.dueAt),
            deferred.map((deferral) => deferral.rule),
          ],
        );
      }
      const waitingAgain = new Set(deferred.map((deferral) => deferral.messageId));
      const released = [...claimedIds].filter((id) => !waitingAgain.has(id));
      if (released.length > 0) {
        await manager.query(
          `UPDATE router.schedules SET released_at = $1 WHERE message_id = ANY($2::uuid[])`,
          [now, released],
        );
      }
      await writeLedger(manager, writes, ledgerIndex);
      await plan.publish(claimed, records);
      return claimedIds.size;
    });
  }
}
