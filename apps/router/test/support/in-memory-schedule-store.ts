import type { InMemoryDecisionStore } from './in-memory-decision-store';
import { type DueDeferral, type ReleasePlan, ScheduleStore } from '../../src/schedules/schedule-store';

/** The schedule table's rules without a database, over the in-memory decision store's deferrals. */
export class InMemoryScheduleStore extends ScheduleStore {
  constructor(private readonly store: InMemoryDecisionStore) {
    super();
  }

  async findDue(now: Date, limit: number): Promise<DueDeferral[]> {
    return [...this.store.schedules.values()]
      .filter(
        (schedule) =>
          schedule.releasedAt === undefined &&
          schedule.cancelledAt === undefined &&
          schedule.dueAt.getTime() <= now.getTime(),
      )
      .sort((left, right) => left.dueAt.getTime() - right.dueAt.getTime())
      .slice(0, limit)
      .map((schedule) => ({
        tenantId: schedule.tenantId,
        messageId: schedule.messageId,
        dueAt: schedule.dueAt,
        message: schedule.message,
        renderRequests: [],
      }));
  }

  async release(due: DueDeferral[], now: Date, plan: ReleasePlan): Promise<number> {
    const claimed = due.filter((deferral) => {
      const schedule = this.store.schedules.get(deferral.messageId);
      return (
        schedule !== undefined && schedule.releasedAt === undefined && schedule.cancelledAt === undefined
      );
    });
    if (claimed.length === 0) return 0;
    const claimedIds = new Set(claimed.map((deferral) => deferral.messageId));
    const since = plan.ledger.sendsSince.getTime();
    const { records, deferred, writes } = plan.decide(claimedIds, {
      sends: this.store.sends.filter((send) => send.sentAt.getTime() > since),
      claims: [...this.store.claims.values()],
    });
    await plan.publish(claimed, records);
    for (const record of records) this.store.decisions.set(record.messageId, record);
    const waitingAgain = new Map(deferred.map((deferral) => [deferral.messageId, deferral]));
    for (const id of claimedIds) {
      const schedule = this.store.schedules.get(id);
      if (!schedule) continue;
      const again = waitingAgain.get(id);
      if (again) this.store.schedules.set(id, { ...schedule, dueAt: again.dueAt, rule: again.rule });
      else schedule.releasedAt = now;
    }
    this.store.sends.push(...writes.sends);
    for (const claim of writes.claims) {
      this.store.claims.set(JSON.stringify([claim.tenantId, claim.recipient, claim.fingerprint]), claim);
    }
    return claimed.length;
  }
}
