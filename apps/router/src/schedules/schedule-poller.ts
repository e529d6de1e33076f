import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { ReleaseDueSchedules } from './release-due-schedules.usecase';

/**
 * Releases due deferred messages every interval, and again at once while full batches come
 * back (a backlog). A failed run is logged and retried at the next tick.
 */
export class SchedulePoller implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SchedulePoller.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly releaseDueSchedules: ReleaseDueSchedules,
    private readonly intervalMs: number,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.runOnce(), this.intervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  /** One pass; a tick that comes while the previous pass runs joins it instead of overlapping. */
  runOnce(): Promise<void> {
    this.running ??= this.releaseAllDue().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async releaseAllDue(): Promise<void> {
    try {
      let released: number;
      do {
        released = await this.releaseDueSchedules.execute();
        if (released > 0) this.logger.log(`released ${released} deferred message(s) that were due`);
      } while (released === this.releaseDueSchedules.batchSize && !this.stopped);
    } catch (error) {
      this.logger.warn(`releasing due deferred messages failed, will retry: ${String(error)}`);
    }
  }
}
