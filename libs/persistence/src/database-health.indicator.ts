import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

// A probe answers quickly or counts as down; on PGlite a long transaction elsewhere holds SELECT 1 back.
const HEALTH_CHECK_TIMEOUT_MS = 1_000;

/** Readiness of the database: `SELECT 1` answers within a second. */
@Injectable()
export class DatabaseHealthIndicator {
  readonly name = 'database';

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async isHealthy(): Promise<boolean> {
    if (!this.dataSource.isInitialized) return false;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), HEALTH_CHECK_TIMEOUT_MS);
    });
    const answered = this.dataSource.query('SELECT 1').then(
      () => true,
      () => false,
    );
    try {
      return await Promise.race([answered, timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The name service-kit's readiness checks call. */
  isReady(): Promise<boolean> {
    return this.isHealthy();
  }
}
