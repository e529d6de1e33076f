import { freePort, startServiceProcess, type ServiceProcess } from '@switchboard/testing';

const FIXTURE = 'libs/service-kit/test/fixtures/shutdown-fixture-service.ts';
const GRACE_MS = 1_500;

describe('shutdown on SIGTERM', () => {
  const started: ServiceProcess[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((service) => service.kill()));
  });

  async function startFixture(
    env: Record<string, string> = {},
  ): Promise<{ service: ServiceProcess; url: string }> {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const service = await startServiceProcess({
      name: 'shutdown-fixture',
      entry: FIXTURE,
      env: { PORT: String(port), SHUTDOWN_GRACE_MS: String(GRACE_MS), NO_COLOR: '1', ...env },
      readyUrl: `${url}/health/live`,
    });
    started.push(service);
    return { service, url };
  }

  it('exits 0 once the shutdown hooks have finished', async () => {
    const { service } = await startFixture();

    await service.stop();

    expect(await service.exited).toBe(0);
    expect(service.logs).toContainEqual(expect.stringContaining('consumer stopped'));
  });

  it('exits 1 within its grace period when a shutdown hook never finishes, naming the hook', async () => {
    const { service } = await startFixture({ STUCK_HOOK: '1' });

    // stop() kills the process and throws if it has not exited 10 s after SIGTERM.
    await service.stop(10_000);

    expect(await service.exited).toBe(1);
    expect(service.logs).toContainEqual(
      expect.stringMatching(
        `shutdown did not finish within ${GRACE_MS} ms; still waiting for FixtureConsumer.onApplicationShutdown`,
      ),
    );
  });

  it('exits 1 within its grace period when a request handler never finishes, naming the request', async () => {
    const { service, url } = await startFixture();
    const request = fetch(`${url}/work/stuck`).catch(() => undefined);
    await service.waitForLog(/handling a request that never finishes/);

    await service.stop(10_000);

    expect(await service.exited).toBe(1);
    expect(service.logs).toContainEqual(expect.stringContaining('1 request(s) in flight (GET /work/stuck)'));
    await request;
  });
});
