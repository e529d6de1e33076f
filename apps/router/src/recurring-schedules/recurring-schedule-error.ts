import type { ValidationProblem } from '@switchboard/contracts';
import { ProblemException } from '@switchboard/service-kit';

export type RecurringScheduleErrorCode =
  | 'SCHEDULE_NOT_FOUND'
  /** Well formed but unusable: no run would ever come (e.g. endAt already passed). */
  | 'SCHEDULE_REFUSED';

export function statusOf(code: RecurringScheduleErrorCode): number {
  switch (code) {
    case 'SCHEDULE_NOT_FOUND':
      return 404;
    case 'SCHEDULE_REFUSED':
      return 422;
    default:
      return exhaustive(code);
  }
}

function exhaustive(code: never): never {
  throw new Error(`unmapped schedule error code ${String(code)}`);
}

export class RecurringScheduleError extends ProblemException {
  constructor(
    readonly scheduleCode: RecurringScheduleErrorCode,
    detail: string,
    problems?: readonly ValidationProblem[],
  ) {
    super(statusOf(scheduleCode), scheduleCode, detail, problems ? { errors: [...problems] } : {});
  }
}
