import { CronExpressionParser } from 'cron-parser';

/** What decides when a schedule runs. */
export interface RunTimes {
  cron: string;
  timeZone: string;
  startAt: Date | null;
  endAt: Date | null;
}

/**
 * The runs strictly after `after` (and not before startAt), before endAt, at most `count`. The cron
 * expression is read in the schedule's zone: a run in the hour skipped when clocks go forward
 * happens once, right after the change (02:30 becomes 03:30); a run in the hour repeated when
 * they go back happens once, at the first of the two.
 */
export function runsAfter(times: RunTimes, after: Date, count: number): Date[] {
  // cron-parser's next run is strictly after currentDate; a run exactly at startAt counts.
  const from =
    times.startAt !== null && times.startAt.getTime() > after.getTime()
      ? new Date(times.startAt.getTime() - 1)
      : after;
  const runs: Date[] = [];
  const expression = CronExpressionParser.parse(times.cron, { tz: times.timeZone, currentDate: from });
  while (runs.length < count) {
    let next: Date;
    try {
      next = expression.next().toDate();
    } catch {
      // cron-parser gives up after searching too far ahead (a rare combination of days): no next run.
      break;
    }
    if (times.endAt !== null && next.getTime() >= times.endAt.getTime()) break;
    runs.push(next);
  }
  return runs;
}

/** The first run after `after`, or null when the schedule has none left. */
export function nextRunAfter(times: RunTimes, after: Date): Date | null {
  return runsAfter(times, after, 1)[0] ?? null;
}
