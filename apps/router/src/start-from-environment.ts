import type { StartFromEnvironment } from '@switchboard/service-kit';
import { StructuredLogger } from '@switchboard/telemetry';
import { loadRouterConfig } from './config';
import { startRouter } from './router';

/** The router configured from `environment`: main.ts runs it alone, `npm start` beside the other services. */
export const startFromEnvironment: StartFromEnvironment = (environment) => {
  const config = loadRouterConfig(environment);
  return startRouter(config, new StructuredLogger('router', config.LOG_LEVEL));
};
