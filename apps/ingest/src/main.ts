import './instrumentation';
import { StructuredLogger } from '@switchboard/telemetry';
import { loadIngestConfig } from './config';
import { startIngest } from './ingest';

async function main(): Promise<void> {
  const config = loadIngestConfig();
  await startIngest(config, new StructuredLogger('ingest', config.LOG_LEVEL));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
