import type { ScheduledRender } from '../routing/decision-store';
import { ScheduleStore } from './schedule-store';

/** The schedule table's rules without a database, for use-case specs. */
export class InMemoryScheduleStore extends ScheduleStore {
  constructor(readonly schedules: Map<string, ScheduledRender & { releasedAt?: Date }>) {
    super();
  }

  async releaseDue(
    now: Date,
    limit: number,
    release: (due: ScheduledRender[]) => Promise<void>,
  ): Promise<ScheduledRender[]> {
    const due = [...this.schedules.values()]
      .filter((schedule) => schedule.releasedAt === undefined && schedule.dueAt.getTime() <= now.getTime())
      .sort((left, right) => left.dueAt.getTime() - right.dueAt.getTime())
      .slice(0, limit);
    if (due.length === 0) return [];
    await release(due);
    for (const schedule of due) schedule.releasedAt = now;
    return due;
  }
}
