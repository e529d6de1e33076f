import type { StartFromEnvironment } from '@switchboard/service-kit';
import { StructuredLogger } from '@switchboard/telemetry';
import { loadGatewayConfig } from './config';
import { startGateway } from './gateway';

/** The gateway configured from `environment`: main.ts runs it alone, `npm start` beside the other services. */
export const startFromEnvironment: StartFromEnvironment = (environment) => {
  const config = loadGatewayConfig(environment);
  return startGateway(config, new StructuredLogger('gateway', config.LOG_LEVEL));
};
