import { Logger } from '@nestjs/common';
import { IntervalPoller } from '../polling/interval-poller';
import type { ReleaseDueSchedules } from './release-due-schedules.usecase';

/** Decides deferred messages again once due, every interval and at once while a backlog lasts. */
export class SchedulePoller extends IntervalPoller {
  private static readonly log = new Logger(SchedulePoller.name);
  protected readonly work = 'releasing due deferred messages';

  constructor(
    private readonly releaseDueSchedules: ReleaseDueSchedules,
    intervalMs: number,
  ) {
    super(SchedulePoller.log, intervalMs, false);
  }

  protected async pass(): Promise<boolean> {
    const released = await this.releaseDueSchedules.execute();
    if (released > 0) SchedulePoller.log.log(`released ${released} deferred message(s) that were due`);
    return released === this.releaseDueSchedules.batchSize;
  }
}
