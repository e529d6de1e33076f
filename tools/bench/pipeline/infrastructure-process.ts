// The embedded broker or a provider sandbox (SES emulator, SNS emulator, local push service) in a
// process of its own, so the pipeline bench can count its CPU apart from the services' and from
// the bench's own load generator. Prints `ready <address>` once listening (the broker first prints
// `requests <url>`, where GET answers its request counts as JSON); stops on SIGTERM, or when the
// bench that started it is gone.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { defineConfig, env, loadConfig } from '@switchboard/config';
import type { RequestCount } from '@switchboard/kafka-broker';
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
      const counts = await serveRequestCounts(() => broker.requestCounts());
      console.log(`requests ${counts.url}`);
      return {
        address: broker.address,
        stop: async () => {
          counts.close();
          await broker.stop();
        },
      };
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

/** The broker's request counts over HTTP on loopback, for the bench to read before and after a phase. */
async function serveRequestCounts(counts: () => RequestCount[]): Promise<{ url: string; close(): void }> {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(counts()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, close: () => server.close() };
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
