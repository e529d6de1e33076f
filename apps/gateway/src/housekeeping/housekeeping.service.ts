import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { PurgeExpiredRecords } from './purge-expired-records.usecase';

export abstract class HousekeepingSettings {
  abstract readonly intervalMs: number;
}

/** Runs the purge every interval; a failed run is logged and retried at the next one. */
@Injectable()
export class HousekeepingService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(HousekeepingService.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly purgeExpiredRecords: PurgeExpiredRecords,
    private readonly settings: HousekeepingSettings,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.runOnce(), this.settings.intervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  runOnce(): Promise<void> {
    this.running ??= this.purge().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async purge(): Promise<void> {
    try {
      const purged = await this.purgeExpiredRecords.execute();
      if (purged.idempotencyRecords + purged.acceptedMessages + purged.receivedSnsMessages > 0) {
        this.logger.log(
          `purged ${purged.idempotencyRecords} expired idempotency record(s), ${purged.acceptedMessages} old accepted-message record(s) and ${purged.receivedSnsMessages} old SNS message id(s)`,
        );
      }
    } catch (error) {
      this.logger.warn('purge failed, will retry', { error: String(error) });
    }
  }
}
