import type { LoggerService } from '@nestjs/common';
import { runService, type RunningService } from '@switchboard/service-kit';
import { createAppModule } from './app.module';
import type { AnalyticsConfig } from './config';

/** Starts the analytics service; main.ts and the int-specs boot it the same way. */
export function startAnalyticsService(
  config: AnalyticsConfig,
  logger?: LoggerService,
): Promise<RunningService> {
  return runService({
    name: 'analytics',
    module: createAppModule(config),
    port: config.PORT,
    host: config.HOST,
    logger,
  });
}
