import './instrumentation';
import { StructuredLogger } from '@switchboard/telemetry';
import { loadSenderPushConfig } from './config';
import { startSenderPushService } from './sender-push-service';

async function main(): Promise<void> {
  const config = loadSenderPushConfig();
  await startSenderPushService(config, new StructuredLogger('sender-push', config.LOG_LEVEL));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
