import './instrumentation';
import { StructuredLogger } from '@switchboard/telemetry';
import { loadSenderEmailConfig } from './config';
import { startSenderEmailService } from './sender-email-service';

async function main(): Promise<void> {
  const config = loadSenderEmailConfig();
  await startSenderEmailService(config, new StructuredLogger('sender-email', config.LOG_LEVEL));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
