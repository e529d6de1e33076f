import type { ScheduleView, UpdateScheduleRequest } from '@switchboard/contracts';
import { noRunLeft } from './create-recurring-schedule.usecase';
import { nextRunAfter } from './next-runs';
import { RecurringScheduleError } from './recurring-schedule-error';
import { RecurringScheduleStore, type ScheduleChanges, toScheduleView } from './recurring-schedule';

/**
 * Pauses, resumes or changes a schedule. When what decides its run times changes, or it is
 * resumed, its next run is the first one after now: runs that passed while it was paused are not sent.
 */
export class UpdateRecurringSchedule {
  constructor(
    private readonly schedules: RecurringScheduleStore,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async execute(tenantId: string, id: string, request: UpdateScheduleRequest): Promise<ScheduleView> {
    const current = await this.schedules.find(tenantId, id);
    if (current === undefined) throw notFound(id);
    const now = this.now();
    const changes: ScheduleChanges = {
      name: request.name,
      cron: request.cron,
      timeZone: request.timeZone,
      message: request.message,
      toleranceSeconds: request.toleranceSeconds,
      status: request.status,
      startAt: dateOf(request.startAt),
      endAt: dateOf(request.endAt),
    };
    const resumed = request.status === 'active' && current.status === 'paused';
    const timesChanged = [request.cron, request.timeZone, request.startAt, request.endAt].some(
      (value) => value !== undefined,
    );
    if (resumed || timesChanged) {
      const times = {
        cron: changes.cron ?? current.cron,
        timeZone: changes.timeZone ?? current.timeZone,
        startAt: changes.startAt === undefined ? current.startAt : changes.startAt,
        endAt: changes.endAt === undefined ? current.endAt : changes.endAt,
      };
      if (times.startAt !== null && times.endAt !== null && times.endAt <= times.startAt)
        throw new RecurringScheduleError('SCHEDULE_REFUSED', 'endAt must be later than startAt', [
          { field: 'endAt', problem: 'must be later than startAt' },
        ]);
      changes.nextRunAt = nextRunAfter(times, now);
      if (changes.nextRunAt === null) throw noRunLeft();
    }
    const updated = await this.schedules.update(tenantId, id, changes, now);
    if (updated === undefined) throw notFound(id);
    return toScheduleView(updated);
  }
}

function dateOf(value: string | null | undefined): Date | null | undefined {
  return value === undefined || value === null ? value : new Date(value);
}

export function notFound(id: string): RecurringScheduleError {
  return new RecurringScheduleError('SCHEDULE_NOT_FOUND', `no schedule ${id}`);
}
