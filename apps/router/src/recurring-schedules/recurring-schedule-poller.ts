import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { FireDueRecurringSchedules } from './fire-due-recurring-schedules.usecase';

/** The part of a metrics counter the poller uses (an OpenTelemetry Counter is one). */
export interface RunCounter {
  add(value: number, attributes: { outcome: 'sent' | 'skipped' }): void;
}

/**
 * Sends the due runs of recurring schedules every interval, and again at once while full batches
 * come back. An idle tick is one indexed query. A failed pass is logged and retried at the next tick.
 */
export class RecurringSchedulePoller implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RecurringSchedulePoller.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly fireDueRecurringSchedules: FireDueRecurringSchedules,
    private readonly intervalMs: number,
    private readonly runs?: RunCounter,
  ) {}

  onApplicationBootstrap(): void {
    // A run missed while the router was down is found at once, not an interval later.
    void this.runOnce();
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
    this.running ??= this.fireAllDue().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async fireAllDue(): Promise<void> {
    try {
      let claimed: number;
      do {
        const fired = await this.fireDueRecurringSchedules.execute();
        claimed = fired.claimed;
        if (fired.sent > 0) this.runs?.add(fired.sent, { outcome: 'sent' });
        if (fired.skipped > 0) this.runs?.add(fired.skipped, { outcome: 'skipped' });
        if (claimed > 0)
          this.logger.log(
            `sent ${fired.sent} run(s) of recurring schedules, skipped ${fired.skipped} too late`,
          );
      } while (claimed === this.fireDueRecurringSchedules.batchSize && !this.stopped);
    } catch (error) {
      this.logger.warn(`sending due runs of recurring schedules failed, will retry: ${String(error)}`);
    }
  }
}
