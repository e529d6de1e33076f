import {
  type DecideNewBatch,
  type DecisionRecord,
  DecisionStore,
  type DeferredMessage,
  type Reroute,
} from '../../src/routing/decision-store';
import type { ContentClaim, SendRecord } from '../../src/routing/policy-ledger';

/** The decision, schedule and ledger tables' rules without a database, for use-case specs. */
export class InMemoryDecisionStore extends DecisionStore {
  readonly decisions = new Map<string, DecisionRecord>();
  readonly schedules = new Map<string, DeferredMessage & { releasedAt?: Date; cancelledAt?: Date }>();
  readonly reroutes = new Map<string, Reroute>();
  readonly sends: SendRecord[] = [];
  readonly claims = new Map<string, ContentClaim>();
  /** Messages their tenant cancelled before they were decided. */
  readonly cancelled = new Set<string>();

  async decideNew(batch: DecideNewBatch): Promise<Set<string>> {
    const undecided = new Set(batch.messageIds.filter((id) => !this.decisions.has(id)));
    if (undecided.size === 0) return new Set();
    const since = batch.ledger.sendsSince.getTime();
    const { records, deferred, writes } = batch.decide(
      {
        sends: this.sends.filter((send) => send.sentAt.getTime() > since),
        claims: [...this.claims.values()],
        cancelled: this.cancelled,
      },
      undecided,
    );
    const recorded = new Set<string>();
    for (const decision of records) {
      if (this.decisions.has(decision.messageId)) continue;
      this.decisions.set(decision.messageId, decision);
      recorded.add(decision.messageId);
    }
    for (const deferral of deferred) {
      if (recorded.has(deferral.messageId)) this.schedules.set(deferral.messageId, deferral);
    }
    this.sends.push(...writes.sends);
    for (const claim of writes.claims) {
      this.claims.set(JSON.stringify([claim.tenantId, claim.recipient, claim.fingerprint]), claim);
    }
    return recorded;
  }

  async findByIds(messageIds: string[]): Promise<DecisionRecord[]> {
    return messageIds.flatMap((id) => {
      const decision = this.decisions.get(id);
      return decision ? [decision] : [];
    });
  }

  async recordReroute(reroute: Reroute, publish: () => Promise<void>): Promise<boolean> {
    const key = JSON.stringify([reroute.messageId, reroute.fromChannel]);
    if (this.reroutes.has(key)) return false;
    await publish();
    this.reroutes.set(key, reroute);
    return true;
  }
}
