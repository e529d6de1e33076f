import type { LoggerService } from '@nestjs/common';
import { runService, type RunningService } from '@switchboard/service-kit';
import { createAppModule } from './app.module';
import type { IngestConfig } from './config';

/** Starts ingest; main.ts and the int-specs boot it the same way. */
export function startIngest(config: IngestConfig, logger?: LoggerService): Promise<RunningService> {
  return runService({
    name: 'ingest',
    module: createAppModule(config),
    port: config.PORT,
    host: config.HOST,
    logger,
  });
}
