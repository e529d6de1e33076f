// Every service of the embedded platform (`npm start`) in one Node process, to keep a development
// machine's memory small: nine processes each load Nest, TypeORM, the AWS SDK, OpenTelemetry and
// kafkajs again, and that code is most of a service's memory. Each service is still its own Nest
// application with its own configuration, database pool and Kafka clients, and they still talk only
// over Kafka and HTTP, as in production. What they share is the loaded code, the event loop, and
// the process's fate: one crash stops them all. Production and docker-compose run a process each.
import './instrumentation';
import { join } from 'node:path';
import { HOSTED_SERVICES_VARIABLE, parseHostedServices, type HostedService } from '@switchboard/config';
import { leaveSignalsToHost, type RunningService, type StartFromEnvironment } from '@switchboard/service-kit';
import { shutdownTelemetry, runAsHostedService } from '@switchboard/telemetry';

// Within the 20 s the launcher gives a service to stop.
const SHUTDOWN_GRACE_MS = 18_000;

interface StartedService {
  name: string;
  running: RunningService;
}

async function main(): Promise<void> {
  const services = parseHostedServices(process.env[HOSTED_SERVICES_VARIABLE]);
  leaveSignalsToHost();
  const results = await Promise.allSettled(services.map(startService));
  const started = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failed = results.flatMap((result, index) =>
    result.status === 'rejected' ? [`${services[index]?.name}: ${describe(result.reason)}`] : [],
  );
  if (failed.length > 0) {
    console.error(`could not start ${failed.join('; ')}`);
    await closeAll(started);
    process.exit(1);
  }
  closeOnSignals(started);
}

function startService({ name, env }: HostedService): Promise<StartedService> {
  // The compiled output mirrors the repo, so this path holds from the sources and from dist/ alike.
  const entry = join(__dirname, '..', '..', 'apps', name, 'src', 'start-from-environment');
  const { startFromEnvironment } = require(entry) as { startFromEnvironment: StartFromEnvironment };
  return runAsHostedService(name, () => startFromEnvironment({ ...process.env, ...env })).then((running) => ({
    name,
    running,
  }));
}

/** The gateway first, so that no new request arrives while the others finish their work. */
async function closeAll(services: StartedService[]): Promise<void> {
  const gateway = services.filter(({ name }) => name === 'gateway');
  const others = services.filter(({ name }) => name !== 'gateway');
  for (const group of [gateway, others]) {
    const closed = await Promise.allSettled(
      group.map(({ name, running }) => runAsHostedService(name, () => running.close())),
    );
    closed.forEach((result, index) => {
      if (result.status === 'rejected') {
        console.error(`${group[index]?.name} did not close cleanly: ${describe(result.reason)}`);
      }
    });
  }
}

/** As a service alone does (runService): close everything, flush spans, exit; a second signal exits at once. */
function closeOnSignals(services: StartedService[]): void {
  let closing = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) process.exit(1);
    closing = true;
    console.log(`${signal} received: closing ${services.map(({ name }) => name).join(', ')}`);
    setTimeout(() => {
      console.error(`the services did not close within ${SHUTDOWN_GRACE_MS} ms; exiting with code 1`);
      process.exit(1);
    }, SHUTDOWN_GRACE_MS);
    void closeAll(services)
      .then(() => shutdownTelemetry())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          console.error(`shutdown failed: ${describe(error)}`);
          process.exit(1);
        },
      );
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

main().catch((error: unknown) => {
  console.error(describe(error));
  process.exit(1);
});
