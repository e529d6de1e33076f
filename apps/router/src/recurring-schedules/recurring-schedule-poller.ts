import { Logger } from '@nestjs/common';
import { IntervalPoller } from '../polling/interval-poller';
import type { FireDueRecurringSchedules } from './fire-due-recurring-schedules.usecase';

/** The part of a metrics counter the poller uses (an OpenTelemetry Counter is one). */
export interface RunCounter {
  add(value: number, attributes: { outcome: 'sent' | 'skipped' }): void;
}

/**
 * Sends the due runs of recurring schedules every interval, at start-up (a run missed while the
 * router was down is found at once), and again at once while full batches come back. An idle tick
 * is one indexed query.
 */
export class RecurringSchedulePoller extends IntervalPoller {
  private static readonly log = new Logger(RecurringSchedulePoller.name);
  protected readonly work = 'sending due runs of recurring schedules';

  constructor(
    private readonly fireDueRecurringSchedules: FireDueRecurringSchedules,
    intervalMs: number,
    private readonly runs?: RunCounter,
  ) {
    super(RecurringSchedulePoller.log, intervalMs, true);
  }

  protected async pass(): Promise<boolean> {
    const fired = await this.fireDueRecurringSchedules.execute();
    if (fired.sent > 0) this.runs?.add(fired.sent, { outcome: 'sent' });
    if (fired.skipped > 0) this.runs?.add(fired.skipped, { outcome: 'skipped' });
    if (fired.claimed > 0) {
      RecurringSchedulePoller.log.log(
        `sent ${fired.sent} run(s) of recurring schedules, skipped ${fired.skipped} too late`,
      );
    }
    return fired.claimed === this.fireDueRecurringSchedules.batchSize;
  }
}
