import type { StartFromEnvironment } from '@switchboard/service-kit';
import { StructuredLogger } from '@switchboard/telemetry';
import { loadAnalyticsConfig } from './config';
import { startAnalyticsService } from './analytics-service';

/** The analytics configured from `environment`: main.ts runs it alone, `npm start` beside the other services. */
export const startFromEnvironment: StartFromEnvironment = (environment) => {
  const config = loadAnalyticsConfig(environment);
  return startAnalyticsService(config, new StructuredLogger('analytics', config.LOG_LEVEL));
};
