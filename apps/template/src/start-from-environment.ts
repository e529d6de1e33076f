import type { StartFromEnvironment } from '@switchboard/service-kit';
import { StructuredLogger } from '@switchboard/telemetry';
import { loadTemplateConfig } from './config';
import { startTemplateService } from './template-service';

/** The template configured from `environment`: main.ts runs it alone, `npm start` beside the other services. */
export const startFromEnvironment: StartFromEnvironment = (environment) => {
  const config = loadTemplateConfig(environment);
  return startTemplateService(config, new StructuredLogger('template', config.LOG_LEVEL));
};
