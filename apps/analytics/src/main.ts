import './instrumentation';
import { StructuredLogger } from '@switchboard/telemetry';
import { loadAnalyticsConfig } from './config';
import { startAnalyticsService } from './analytics-service';

async function main(): Promise<void> {
  const config = loadAnalyticsConfig();
  await startAnalyticsService(config, new StructuredLogger('analytics', config.LOG_LEVEL));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
