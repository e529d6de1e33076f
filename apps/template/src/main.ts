import './instrumentation';
import { StructuredLogger } from '@switchboard/telemetry';
import { loadTemplateConfig } from './config';
import { startTemplateService } from './template-service';

async function main(): Promise<void> {
  const config = loadTemplateConfig();
  await startTemplateService(config, new StructuredLogger('template', config.LOG_LEVEL));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
