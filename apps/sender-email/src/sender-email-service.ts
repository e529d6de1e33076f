import type { LoggerService } from '@nestjs/common';
import { runService, type RunningService } from '@switchboard/service-kit';
import { createAppModule } from './app.module';
import type { SenderEmailConfig } from './config';

/** Starts the email sender; main.ts and the int-specs boot it the same way. */
export function startSenderEmailService(
  config: SenderEmailConfig,
  logger?: LoggerService,
): Promise<RunningService> {
  return runService({
    name: 'sender-email',
    module: createAppModule(config),
    port: config.PORT,
    host: config.HOST,
    logger,
  });
}
