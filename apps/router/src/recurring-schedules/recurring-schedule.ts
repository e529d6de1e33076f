import type { ScheduledMessage, ScheduleStatusName, ScheduleView } from '@switchboard/contracts';
import { runsAfter } from './next-runs';

export interface RecurringSchedule {
  id: string;
  tenantId: string;
  name: string | null;
  cron: string;
  timeZone: string;
  message: ScheduledMessage;
  toleranceSeconds: number;
  startAt: Date | null;
  endAt: Date | null;
  status: ScheduleStatusName;
  nextRunAt: Date | null;
  lastRunAt: Date | null;
  skippedRuns: number;
  createdAt: Date;
  updatedAt: Date;
}

/** What the poller did with a claimed schedule's due run. */
export interface RunAdvance {
  id: string;
  nextRunAt: Date | null;
  /** Set when the run was sent. */
  lastRunAt?: Date;
  /** True when the run was found later than the tolerance and not sent. */
  skipped: boolean;
}

export type ScheduleChanges = Partial<
  Pick<
    RecurringSchedule,
    | 'name'
    | 'cron'
    | 'timeZone'
    | 'message'
    | 'toleranceSeconds'
    | 'startAt'
    | 'endAt'
    | 'status'
    | 'nextRunAt'
  >
>;

export abstract class RecurringScheduleStore {
  abstract create(schedule: RecurringSchedule): Promise<void>;

  abstract find(tenantId: string, id: string): Promise<RecurringSchedule | undefined>;

  /** The tenant's schedules, oldest first, at most `limit`. */
  abstract list(tenantId: string, limit: number): Promise<RecurringSchedule[]>;

  /** Applies the changes; undefined when the tenant has no such schedule. */
  abstract update(
    tenantId: string,
    id: string,
    changes: ScheduleChanges,
    updatedAt: Date,
  ): Promise<RecurringSchedule | undefined>;

  /** False when the tenant has no such schedule. */
  abstract delete(tenantId: string, id: string): Promise<boolean>;

  /**
   * Takes up to `limit` active schedules with a run due at `now`, skipping those another replica
   * holds, hands them to `advance`, and stores what it returns in the same transaction. If
   * `advance` throws, nothing changes and the runs stay due.
   */
  abstract claimDue(
    now: Date,
    limit: number,
    advance: (due: RecurringSchedule[]) => Promise<RunAdvance[]>,
  ): Promise<RunAdvance[]>;
}

export const LISTED_RUNS = 5;

export function toScheduleView(schedule: RecurringSchedule): ScheduleView {
  const nextRuns =
    schedule.status === 'active' && schedule.nextRunAt !== null
      ? [schedule.nextRunAt, ...runsAfter(schedule, schedule.nextRunAt, LISTED_RUNS - 1)]
      : [];
  return {
    id: schedule.id,
    name: schedule.name,
    cron: schedule.cron,
    timeZone: schedule.timeZone,
    message: schedule.message,
    toleranceSeconds: schedule.toleranceSeconds,
    startAt: schedule.startAt?.toISOString() ?? null,
    endAt: schedule.endAt?.toISOString() ?? null,
    status: schedule.status,
    nextRuns: nextRuns.map((run) => run.toISOString()),
    lastRunAt: schedule.lastRunAt?.toISOString() ?? null,
    skippedRuns: schedule.skippedRuns,
    createdAt: schedule.createdAt.toISOString(),
    updatedAt: schedule.updatedAt.toISOString(),
  };
}
