import type { StartFromEnvironment } from '@switchboard/service-kit';
import { StructuredLogger } from '@switchboard/telemetry';
import { loadSenderSmsConfig } from './config';
import { startSenderSmsService } from './sender-sms-service';

/** The sender-sms configured from `environment`: main.ts runs it alone, `npm start` beside the other services. */
export const startFromEnvironment: StartFromEnvironment = (environment) => {
  const config = loadSenderSmsConfig(environment);
  return startSenderSmsService(config, new StructuredLogger('sender-sms', config.LOG_LEVEL));
};
