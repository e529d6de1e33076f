import type { LoggerService } from '@nestjs/common';
import { runService, type RunningService } from '@switchboard/service-kit';
import { createAppModule } from './app.module';
import type { SenderPushConfig } from './config';

/** Starts the push sender; main.ts and the int-specs boot it the same way. */
export function startSenderPushService(
  config: SenderPushConfig,
  logger?: LoggerService,
): Promise<RunningService> {
  return runService({
    name: 'sender-push',
    module: createAppModule(config),
    port: config.PORT,
    host: config.HOST,
    logger,
  });
}
