import { Logger } from '@nestjs/common';
import { purgeOldRows, type RetainedTable, type RetentionQuery } from './purge-old-rows';
import type { RetentionPolicy } from './retention-policy';

export interface RetentionSweeperOptions {
  query: RetentionQuery;
  policy: RetentionPolicy;
  tables: readonly RetainedTable[];
  intervalMs: number;
  now?: () => Date;
}

/**
 * Purges a service's expired rows every interval: a timer and nothing else between runs, so an
 * idle service spends no CPU on it. A failed run is logged and tried again at the next tick.
 */
export class RetentionSweeper {
  private readonly logger = new Logger(RetentionSweeper.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<Record<string, number>> | undefined;

  constructor(private readonly options: RetentionSweeperOptions) {}

  start(): void {
    this.timer = setInterval(() => void this.sweepOnce().catch(() => undefined), this.options.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  // Nest runs these on any provider that has them, so an app only declares the provider.
  onApplicationBootstrap(): void {
    this.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.stop();
  }

  /** One sweep over every table; a sweep already running is joined, never doubled. */
  sweepOnce(): Promise<Record<string, number>> {
    this.running ??= this.sweep().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async sweep(): Promise<Record<string, number>> {
    const cutoffs = this.options.policy.cutoffs((this.options.now ?? (() => new Date()))());
    const purged: Record<string, number> = {};
    try {
      for (const table of this.options.tables) {
        const count = await purgeOldRows(this.options.query, table, cutoffs);
        if (count > 0) purged[table.table] = count;
      }
    } catch (error) {
      this.logger.warn({ message: 'retention sweep failed, will retry', error: String(error) });
      throw error;
    }
    if (Object.keys(purged).length > 0) this.logger.log({ message: 'purged rows past retention', purged });
    return purged;
  }
}
