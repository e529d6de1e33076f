import {
  type RecurringSchedule,
  RecurringScheduleStore,
  type RunAdvance,
  type ScheduleChanges,
} from '../../src/recurring-schedules/recurring-schedule';

/** The recurring schedule table's rules without a database, for use-case specs. */
export class InMemoryRecurringScheduleStore extends RecurringScheduleStore {
  readonly schedules = new Map<string, RecurringSchedule>();

  async create(schedule: RecurringSchedule): Promise<void> {
    this.schedules.set(schedule.id, { ...schedule });
  }

  async find(tenantId: string, id: string): Promise<RecurringSchedule | undefined> {
    const schedule = this.schedules.get(id);
    return schedule?.tenantId === tenantId ? { ...schedule } : undefined;
  }

  async list(tenantId: string, limit: number): Promise<RecurringSchedule[]> {
    return [...this.schedules.values()]
      .filter((schedule) => schedule.tenantId === tenantId)
      .sort((left, right) => left.createdAt.getTime() - right.createdAt.getTime())
      .slice(0, limit);
  }

  async update(
    tenantId: string,
    id: string,
    changes: ScheduleChanges,
    updatedAt: Date,
  ): Promise<RecurringSchedule | undefined> {
    const schedule = this.schedules.get(id);
    if (schedule?.tenantId !== tenantId) return undefined;
    const defined = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
    const updated = { ...schedule, ...defined, updatedAt };
    this.schedules.set(id, updated);
    return { ...updated };
  }

  async delete(tenantId: string, id: string): Promise<boolean> {
    if (this.schedules.get(id)?.tenantId !== tenantId) return false;
    return this.schedules.delete(id);
  }

  async claimDue(
    now: Date,
    limit: number,
    advance: (due: RecurringSchedule[]) => Promise<RunAdvance[]>,
  ): Promise<RunAdvance[]> {
    const due = [...this.schedules.values()]
      .filter(
        (schedule) =>
          schedule.status === 'active' && schedule.nextRunAt !== null && schedule.nextRunAt <= now,
      )
      .sort((left, right) => (left.nextRunAt?.getTime() ?? 0) - (right.nextRunAt?.getTime() ?? 0))
      .slice(0, limit);
    if (due.length === 0) return [];
    const advances = await advance(due.map((schedule) => ({ ...schedule })));
    for (const run of advances) {
      const schedule = this.schedules.get(run.id);
      if (schedule === undefined) continue;
      schedule.nextRunAt = run.nextRunAt;
      if (run.lastRunAt !== undefined) schedule.lastRunAt = run.lastRunAt;
      if (run.skipped) schedule.skippedRuns += 1;
    }
    return advances;
  }
}
