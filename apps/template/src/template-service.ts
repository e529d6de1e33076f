import type { LoggerService } from '@nestjs/common';
import { runService, type RunningService } from '@switchboard/service-kit';
import { createAppModule } from './app.module';
import type { TemplateConfig } from './config';

/** Starts the template service; main.ts and the int-specs boot it the same way. */
export function startTemplateService(
  config: TemplateConfig,
  logger?: LoggerService,
): Promise<RunningService> {
  return runService({
    name: 'template',
    module: createAppModule(config),
    port: config.PORT,
    host: config.HOST,
    logger,
  });
}
