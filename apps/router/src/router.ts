import type { LoggerService } from '@nestjs/common';
import { runService, type RunningService } from '@switchboard/service-kit';
import { createAppModule, type RouterOptions } from './app.module';
import type { RouterConfig } from './config';

/** Starts the router; main.ts and the int-specs boot it the same way. */
export function startRouter(
  config: RouterConfig,
  logger?: LoggerService,
  options: RouterOptions = {},
): Promise<RunningService> {
  return runService({
    name: 'router',
    module: createAppModule(config, options),
    port: config.PORT,
    host: config.HOST,
    logger,
  });
}
