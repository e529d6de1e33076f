import { randomUUID } from 'node:crypto';
import type { CreateScheduleRequest, ScheduleView } from '@switchboard/contracts';
import { nextRunAfter } from './next-runs';
import { RecurringScheduleError } from './recurring-schedule-error';
import { RecurringScheduleStore, toScheduleView } from './recurring-schedule';

/** Creates an active schedule whose first run is the first one after now (and not before startAt). */
export class CreateRecurringSchedule {
  constructor(
    private readonly schedules: RecurringScheduleStore,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async execute(tenantId: string, request: CreateScheduleRequest): Promise<ScheduleView> {
    const now = this.now();
    const times = {
      cron: request.cron,
      timeZone: request.timeZone,
      startAt: request.startAt === undefined ? null : new Date(request.startAt),
      endAt: request.endAt === undefined ? null : new Date(request.endAt),
    };
    const nextRunAt = nextRunAfter(times, now);
    if (nextRunAt === null) throw noRunLeft();
    const schedule = {
      id: randomUUID(),
      tenantId,
      name: request.name ?? null,
      ...times,
      message: request.message,
      toleranceSeconds: request.toleranceSeconds,
      status: 'active' as const,
      nextRunAt,
      lastRunAt: null,
      skippedRuns: 0,
      createdAt: now,
      updatedAt: now,
    };
    await this.schedules.create(schedule);
    return toScheduleView(schedule);
  }
}

export function noRunLeft(): RecurringScheduleError {
  return new RecurringScheduleError(
    'SCHEDULE_REFUSED',
    'the schedule would never run: no run is left before endAt',
    [{ field: 'endAt', problem: 'no run of the cron expression comes before it' }],
  );
}
