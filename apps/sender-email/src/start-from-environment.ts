import type { StartFromEnvironment } from '@switchboard/service-kit';
import { StructuredLogger } from '@switchboard/telemetry';
import { loadSenderEmailConfig } from './config';
import { startSenderEmailService } from './sender-email-service';

/** The sender-email configured from `environment`: main.ts runs it alone, `npm start` beside the other services. */
export const startFromEnvironment: StartFromEnvironment = (environment) => {
  const config = loadSenderEmailConfig(environment);
  return startSenderEmailService(config, new StructuredLogger('sender-email', config.LOG_LEVEL));
};
