import type { StartFromEnvironment } from '@switchboard/service-kit';
import { StructuredLogger } from '@switchboard/telemetry';
import { loadSenderInappConfig } from './config';
import { startSenderInappService } from './sender-inapp-service';

/** The sender-inapp configured from `environment`: main.ts runs it alone, `npm start` beside the other services. */
export const startFromEnvironment: StartFromEnvironment = (environment) => {
  const config = loadSenderInappConfig(environment);
  return startSenderInappService(config, new StructuredLogger('sender-inapp', config.LOG_LEVEL));
};
