import type { LoggerService } from '@nestjs/common';
import { runService, type RunningService } from '@switchboard/service-kit';
import { createAppModule } from './app.module';
import type { SenderInappConfig } from './config';

/** Starts the in-app sender and its inbox API; main.ts and the int-specs boot it the same way. */
export function startSenderInappService(
  config: SenderInappConfig,
  logger?: LoggerService,
): Promise<RunningService> {
  return runService({
    name: 'sender-inapp',
    module: createAppModule(config),
    port: config.PORT,
    host: config.HOST,
    logger,
    configure: (app) => {
      // Browsers call the inbox from the tenant's own web app, on another origin.
      app.enableCors({
        origin: config.INBOX_CORS_ORIGINS.includes('*') ? '*' : config.INBOX_CORS_ORIGINS,
        methods: ['GET', 'PATCH'],
        allowedHeaders: ['authorization', 'content-type', 'last-event-id'],
        maxAge: 600,
      });
    },
  });
}
