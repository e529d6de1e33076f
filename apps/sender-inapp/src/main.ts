import './instrumentation';
import { StructuredLogger } from '@switchboard/telemetry';
import { loadSenderInappConfig } from './config';
import { startSenderInappService } from './sender-inapp-service';

async function main(): Promise<void> {
  const config = loadSenderInappConfig();
  await startSenderInappService(config, new StructuredLogger('sender-inapp', config.LOG_LEVEL));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
