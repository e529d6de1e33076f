import { RecurringScheduleStore } from './recurring-schedule';
import { notFound } from './update-recurring-schedule.usecase';

/** Deletes a schedule; runs already sent are messages of their own and are not touched. */
export class DeleteRecurringSchedule {
  constructor(private readonly schedules: RecurringScheduleStore) {}

  async execute(tenantId: string, id: string): Promise<void> {
    if (!(await this.schedules.delete(tenantId, id))) throw notFound(id);
  }
}
