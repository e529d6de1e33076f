import './instrumentation';
import { StructuredLogger } from '@switchboard/telemetry';
import { loadSenderSmsConfig } from './config';
import { startSenderSmsService } from './sender-sms-service';

async function main(): Promise<void> {
  const config = loadSenderSmsConfig();
  await startSenderSmsService(config, new StructuredLogger('sender-sms', config.LOG_LEVEL));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
