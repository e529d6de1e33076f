import { type DecisionRecord, DecisionStore, type Reroute, type ScheduledRender } from './decision-store';

/** The decision and schedule tables' rules without a database, for use-case specs. */
export class InMemoryDecisionStore extends DecisionStore {
  readonly decisions = new Map<string, DecisionRecord>();
  readonly schedules = new Map<string, ScheduledRender & { releasedAt?: Date }>();
  readonly reroutes = new Map<string, Reroute>();

  async recordNew(decisions: DecisionRecord[], schedules: ScheduledRender[]): Promise<Set<string>> {
    const recorded = new Set<string>();
    for (const decision of decisions) {
      if (this.decisions.has(decision.messageId)) continue;
      this.decisions.set(decision.messageId, decision);
      recorded.add(decision.messageId);
    }
    for (const schedule of schedules) {
      if (recorded.has(schedule.messageId)) this.schedules.set(schedule.messageId, schedule);
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
