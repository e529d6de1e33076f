import type { ScheduleListView, ScheduleView } from '@switchboard/contracts';
import { RecurringScheduleStore, toScheduleView } from './recurring-schedule';
import { notFound } from './update-recurring-schedule.usecase';

// A tenant's schedules are few (a digest, a reminder); beyond this the list needs pages.
export const MAX_LISTED_SCHEDULES = 500;

export class GetRecurringSchedules {
  constructor(private readonly schedules: RecurringScheduleStore) {}

  async one(tenantId: string, id: string): Promise<ScheduleView> {
    const schedule = await this.schedules.find(tenantId, id);
    if (schedule === undefined) throw notFound(id);
    return toScheduleView(schedule);
  }

  async list(tenantId: string): Promise<ScheduleListView> {
    const schedules = await this.schedules.list(tenantId, MAX_LISTED_SCHEDULES);
    return { schedules: schedules.map(toScheduleView) };
  }
}
