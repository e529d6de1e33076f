import type { MessageAccepted, RenderRequested } from '@switchboard/contracts';
import type { BatchDecisions, DecisionRecord } from '../routing/decision-store';
import type { LedgerQuery, LedgerState } from '../routing/policy-ledger';

/** A deferral whose time has come. */
export interface DueDeferral {
  tenantId: string;
  messageId: string;
  dueAt: Date;
  /** The deferred message, decided again with every rule; absent on deferrals recorded before the rules. */
  message?: MessageAccepted;
  /** Deferrals recorded before the rules: the render requests published as they are. */
  renderRequests: RenderRequested[];
}

export interface ReleasePlan {
  ledger: LedgerQuery;
  /** Decides the claimed deferrals that carry a message again, with the ledger loaded under the recipients' locks. */
  decide(claimed: ReadonlySet<string>, state: LedgerState): BatchDecisions;
  /** Publishes what the claimed deferrals became, before anything is final. */
  publish(claimed: DueDeferral[], decisions: DecisionRecord[]): Promise<void>;
}

export abstract class ScheduleStore {
  /** Up to `limit` deferrals due at `now`, not released nor cancelled, oldest first (nothing is claimed). */
  abstract findDue(now: Date, limit: number): Promise<DueDeferral[]>;

  /**
   * Claims those of the deferrals still waiting (skipping any another replica is releasing),
   * records their new decisions (a deferral deferred again keeps waiting, to its new time),
   * publishes them and marks the rest released, all in one transaction; how many it claimed.
   * If anything throws, they stay due and are taken again on a later call.
   */
  abstract release(due: DueDeferral[], now: Date, plan: ReleasePlan): Promise<number>;
}
