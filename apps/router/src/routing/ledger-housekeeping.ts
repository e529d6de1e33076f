import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { purgeExpiredLedger } from './policy-ledger.repository';

const PURGE_INTERVAL_MS = 60 * 60 * 1000;

/** Once an hour, drops ledger rows no rule can read any more, so the ledger stays the size of its windows. */
@Injectable()
export class LedgerHousekeeping implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(LedgerHousekeeping.name);
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly dataSource: DataSource) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.purge(), PURGE_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async purge(): Promise<void> {
    try {
      const purged = await purgeExpiredLedger(this.dataSource.manager, new Date());
      if (purged > 0) this.logger.log(`purged ${purged} expired frequency-limit and dedup rows`);
    } catch (error) {
      this.logger.warn(`purging expired ledger rows failed, will retry in an hour: ${String(error)}`);
    }
  }
}
