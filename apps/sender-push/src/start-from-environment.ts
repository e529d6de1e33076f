import type { StartFromEnvironment } from '@switchboard/service-kit';
import { StructuredLogger } from '@switchboard/telemetry';
import { loadSenderPushConfig } from './config';
import { startSenderPushService } from './sender-push-service';

/** The sender-push configured from `environment`: main.ts runs it alone, `npm start` beside the other services. */
export const startFromEnvironment: StartFromEnvironment = (environment) => {
  const config = loadSenderPushConfig(environment);
  return startSenderPushService(config, new StructuredLogger('sender-push', config.LOG_LEVEL));
};
