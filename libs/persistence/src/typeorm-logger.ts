import { Logger } from '@nestjs/common';
import type { Logger as TypeOrmLogger } from 'typeorm';

/**
 * TypeORM's messages through Nest's logger (so through the app's structured logger), never with query
 * parameters, which carry personal data. Failed queries are the caller's to report: a unique violation
 * is how services detect a duplicate, not an error.
 */
export class NestTypeOrmLogger implements TypeOrmLogger {
  private readonly logger = new Logger('TypeORM');

  constructor(private readonly logQueries: boolean) {}

  logQuery(query: string): void {
    if (this.logQueries) this.logger.debug(query);
  }

  logQueryError(error: string | Error, query: string): void {
    if (this.logQueries)
      this.logger.debug(`query failed (${typeof error === 'string' ? error : error.message}): ${query}`);
  }

  logQuerySlow(time: number, query: string): void {
    this.logger.warn(`query took ${time} ms: ${query}`);
  }

  logSchemaBuild(): void {
    // Each step of a successful migration run is not worth a line.
  }

  logMigration(message: string): void {
    this.logger.warn(message);
  }

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') this.logger.warn(String(message));
    else if (this.logQueries) this.logger.log(String(message));
  }
}
