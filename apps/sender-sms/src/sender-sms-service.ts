import type { LoggerService } from '@nestjs/common';
import { runService, type RunningService } from '@switchboard/service-kit';
import { createAppModule } from './app.module';
import type { SenderSmsConfig } from './config';

/** Starts the SMS sender; main.ts and the int-specs boot it the same way. */
export function startSenderSmsService(
  config: SenderSmsConfig,
  logger?: LoggerService,
): Promise<RunningService> {
  return runService({
    name: 'sender-sms',
    module: createAppModule(config),
    port: config.PORT,
    host: config.HOST,
    logger,
  });
}
