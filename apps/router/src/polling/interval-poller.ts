import { type BeforeApplicationShutdown, Logger, type OnApplicationBootstrap } from '@nestjs/common';

/** One pass of a poller's work: true when it took a full batch, so more may be due at once. */
export type PollPass = () => Promise<boolean>;

/**
 * Runs a pass every interval, and again at once while passes come back full (a backlog). A tick
 * that comes while a pass runs joins it instead of overlapping; a failed pass is logged and tried
 * again at the next tick. Shutdown waits for the pass under way.
 */
export abstract class IntervalPoller implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  protected constructor(
    private readonly logger: Logger,
    private readonly intervalMs: number,
    /** Also one pass at start-up, so that what fell due while the service was down goes at once. */
    private readonly passAtStart: boolean,
  ) {}

  /** What one pass does. */
  protected abstract pass(): Promise<boolean>;

  /** Said in the warning when a pass fails, e.g. 'releasing due deferred messages'. */
  protected abstract readonly work: string;

  onApplicationBootstrap(): void {
    if (this.passAtStart) void this.runOnce();
    this.timer = setInterval(() => void this.runOnce(), this.intervalMs);
    this.timer.unref();
  }

  // With the consumers (ConsumerHost), before the HTTP server closes: no new pass while the service
  // winds down, and the pass under way still has the publisher.
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  runOnce(): Promise<void> {
    this.running ??= this.drain().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async drain(): Promise<void> {
    try {
      while ((await this.pass()) && !this.stopped);
    } catch (error) {
      this.logger.warn(`${this.work} failed, will retry: ${String(error)}`);
    }
  }
}
