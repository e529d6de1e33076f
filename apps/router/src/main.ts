import './instrumentation';
import { StructuredLogger } from '@switchboard/telemetry';
import { loadRouterConfig } from './config';
import { startRouter } from './router';

async function main(): Promise<void> {
  const config = loadRouterConfig();
  await startRouter(config, new StructuredLogger('router', config.LOG_LEVEL));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
