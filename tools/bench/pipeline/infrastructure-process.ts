// The embedded broker or a provider sandbox (SES emulator, SNS emulator, local push service) in a
// process of its own, so the pipeline bench can count its CPU apart from the services' and from
// the bench's own load generator. Prints `ready <address>` once listening; stops on SIGTERM, or
// when the bench that started it is gone.
import { defineConfig, env, loadConfig } from '@switchboard/config';
import { createTestBroker, startPushService, startSesEmulator, startSnsEmulator } from '@switchboard/testing';

const INFRASTRUCTURE_KINDS = ['broker', 'ses-emulator', 'sns-emulator', 'push-service'] as const;
type InfrastructureKind = (typeof INFRASTRUCTURE_KINDS)[number];

const infrastructureConfig = defineConfig({
  BENCH_INFRASTRUCTURE: {
    schema: env.oneOf(INFRASTRUCTURE_KINDS),
    description: 'What this process runs for the pipeline bench',
  },
  BENCH_BROKER_DATA_DIR: {
    schema: env.string().optional(),
    description:
      "The broker's data directory; the bench owns it and removes it, even if this process is killed",
  },
});

async function start(
  kind: InfrastructureKind,
  brokerDataDir: string | undefined,
): Promise<{ address: string; stop(): Promise<void> }> {
  switch (kind) {
    case 'broker': {
      const broker = await createTestBroker({ dataDir: brokerDataDir });
      return { address: broker.address, stop: () => broker.stop() };
    }
    case 'ses-emulator': {
      const emulator = await startSesEmulator({ port: 0 });
      return { address: emulator.endpoint, stop: () => emulator.stop() };
    }
    case 'sns-emulator': {
      const emulator = await startSnsEmulator({ port: 0 });
      return { address: emulator.endpoint, stop: () => emulator.stop() };
    }
    case 'push-service': {
      const service = await startPushService({ port: 0 });
      return { address: service.origin, stop: () => service.stop() };
    }
  }
}

async function main(): Promise<void> {
  const config = loadConfig(infrastructureConfig);
  const running = await start(config.BENCH_INFRASTRUCTURE, config.BENCH_BROKER_DATA_DIR);
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
