import type { StartFromEnvironment } from '@switchboard/service-kit';
import { StructuredLogger } from '@switchboard/telemetry';
import { loadIngestConfig } from './config';
import { startIngest } from './ingest';

/** The ingest configured from `environment`: main.ts runs it alone, `npm start` beside the other services. */
export const startFromEnvironment: StartFromEnvironment = (environment) => {
  const config = loadIngestConfig(environment);
  return startIngest(config, new StructuredLogger('ingest', config.LOG_LEVEL));
};
