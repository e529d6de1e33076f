// The embedded broker or the SES emulator in a process of its own, so the pipeline bench can count
// its CPU apart from the services' and from the bench's own load generator. Prints
// `ready <address>` once listening; stops on SIGTERM, or when the bench that started it is gone.
import { defineConfig, env, loadConfig } from '@switchboard/config';
import { createTestBroker, startSesEmulator } from '@switchboard/testing';

const infrastructureConfig = defineConfig({
  BENCH_INFRASTRUCTURE: {
    schema: env.oneOf(['broker', 'ses-emulator'] as const),
    description: 'What this process runs for the pipeline bench',
  },
  BENCH_BROKER_DATA_DIR: {
    schema: env.string().optional(),
    description:
      "The broker's data directory; the bench owns it and removes it, even if this process is killed",
  },
});

async function main(): Promise<void> {
  const config = loadConfig(infrastructureConfig);
  const running =
    config.BENCH_INFRASTRUCTURE === 'broker'
      ? await createTestBroker({ dataDir: config.BENCH_BROKER_DATA_DIR }).then((broker) => ({
          address: broker.address,
          stop: () => broker.stop(),
        }))
      : await startSesEmulator({ port: 0 }).then((emulator) => ({
          address: emulator.endpoint,
          stop: () => emulator.stop(),
        }));
  console.log(`ready ${running.address}`);

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void running.stop().finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  // A bench killed outright cannot stop us; its children are then adopted by another parent.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) stop();
  }, 1000);
}

main().catch((error: unknown) => {
  console.error(`could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
