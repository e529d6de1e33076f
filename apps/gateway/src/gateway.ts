import { readFileSync } from 'node:fs';
import type { LoggerService } from '@nestjs/common';
import { runService, type RunningService, type ServiceTlsOptions } from '@switchboard/service-kit';
import { StructuredLogger } from '@switchboard/telemetry';
import { createAppModule } from './app.module';
import type { GatewayConfig } from './config';
import { installBodyLimits } from './http/body-limits';
import { serveOpenApi } from './http/openapi';
import { acceptSnsTextBodies } from './receipts/sns-text-body';
import { acceptPublicFormBodies } from './unsubscribe/public-form-bodies';

/** Starts the gateway's HTTP API; main.ts and the int-specs boot it the same way. */
export function startGateway(
  config: GatewayConfig,
  logger: LoggerService = new StructuredLogger('gateway', config.LOG_LEVEL),
): Promise<RunningService> {
  return runService({
    name: 'gateway',
    module: createAppModule(config),
    port: config.PORT,
    host: config.HOST,
    bodyLimitBytes: config.MAX_BODY_BYTES,
    https: httpsOptions(config),
    logger,
    configure: (app) => {
      installBodyLimits(app, {
        defaultBytes: config.MAX_BODY_BYTES,
        largeBytes: config.MAX_BATCH_BODY_BYTES,
      });
      acceptSnsTextBodies(app);
      acceptPublicFormBodies(app);
      serveOpenApi(app);
    },
  });
}

// The config checked both files at start-up; they are read once here, when the server is made.
function httpsOptions(config: GatewayConfig): ServiceTlsOptions | undefined {
  if (config.TLS_CERT === undefined || config.TLS_KEY === undefined) return undefined;
  return { cert: readFileSync(config.TLS_CERT), key: readFileSync(config.TLS_KEY) };
}
