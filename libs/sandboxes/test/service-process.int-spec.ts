import { freePort, startServiceProcess, type ServiceProcess } from '../src';

const FIXTURE = 'libs/sandboxes/test/fixtures/http-fixture-service.ts';

async function readyPort(service: ServiceProcess): Promise<string> {
  const line = await service.waitForLog(/ready on port \d+/);
  return line.replace('ready on port ', '');
}

describe('startServiceProcess', () => {
  const started: ServiceProcess[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((service) => service.kill()));
  });

  async function startFixture(env: Record<string, string> = {}, timeoutMs?: number): Promise<ServiceProcess> {
    const port = await freePort();
    const service = await startServiceProcess({
      name: 'fixture',
      entry: FIXTURE,
      env: { PORT: String(port), ...env },
      readyUrl: `http://127.0.0.1:${port}/health`,
      readyLog: /ready on port/,
      timeoutMs,
    });
    started.push(service);
    return service;
  }

  it('runs a TypeScript entry with the given env over the inherited one, ready once it answers and logs', async () => {
    process.env.SB_FIXTURE_INHERITED = 'from-parent';
    const service = await startFixture({ GREETING: 'hej' }).finally(
      () => delete process.env.SB_FIXTURE_INHERITED,
    );
    const port = await readyPort(service);

    const response = await fetch(`http://127.0.0.1:${port}/hello`);

    expect(await response.text()).toBe(`hello from ${service.pid}`);
    expect(await service.waitForLog(/handled GET \/hello/)).toBe('handled GET /hello');
    expect(service.logs).toEqual(
      expect.arrayContaining([
        'booting with greeting hej',
        'inherited marker from-parent',
        `ready on port ${port}`,
      ]),
    );
  });

  it('kill() ends the process like a crash, and restart() brings it back ready on its port', async () => {
    const service = await startFixture();
    const port = await readyPort(service);
    const firstPid = service.pid;

    await service.kill();

    expect(await service.exited).toBeNull();
    await expect(fetch(`http://127.0.0.1:${port}/hello`)).rejects.toThrow();

    await service.restart();

    expect(service.pid).not.toBe(firstPid);
    expect(await (await fetch(`http://127.0.0.1:${port}/again`)).text()).toBe(`hello from ${service.pid}`);
    expect(await service.waitForLog(/handled GET \/again/)).toBe('handled GET /again');
    expect(service.logs.filter((line) => line.startsWith('ready on port'))).toHaveLength(2);
  });

  it('waitForLog only looks at the current run', async () => {
    const service = await startFixture();
    await service.restart();

    await expect(service.waitForLog(/stopping on SIGTERM/, 300)).rejects.toThrow(
      /timed out after 300 ms waiting for fixture to log a line matching \/stopping on SIGTERM\//,
    );
    expect(service.logs).toContain('stopping on SIGTERM');
  });

  it('stop() sends SIGTERM and waits for a graceful exit', async () => {
    const service = await startFixture();

    await service.stop();

    expect(await service.exited).toBe(0);
    expect(service.logs[service.logs.length - 1]).toBe('stopping on SIGTERM');
  });

  it('stop() kills a process that ignores SIGTERM and says so', async () => {
    const service = await startFixture({ IGNORE_SIGTERM: '1' });

    await expect(service.stop(500)).rejects.toThrow(
      /fixture did not exit within 500 ms of SIGTERM and was killed/,
    );

    expect(await service.exited).toBeNull();
    expect(service.logs).toContain('ignoring SIGTERM');
  });

  it('fails at once with the exit code and the last log lines when the process dies before it is ready', async () => {
    const startedAt = Date.now();

    await expect(startFixture({ FAIL_AT_START: '1' }, 30_000)).rejects.toThrow(
      /fixture exited \(code 3\) before it was ready\nlast \d+ log lines of fixture:\n[\s\S]*refusing to start: FAIL_AT_START is set/,
    );
    expect(Date.now() - startedAt).toBeLessThan(20_000);
  });

  it('fails after the timeout with the last log lines when the process never becomes ready', async () => {
    await expect(startFixture({ NEVER_READY: '1' }, 5000)).rejects.toThrow(
      /timed out after 5000 ms waiting for fixture to be ready \(http:\/\/127\.0\.0\.1:\d+\/health to answer 200 and a log line matching \/ready on port\/\)\nlast \d+ log lines of fixture:\n[\s\S]*booting with greeting/,
    );
  });
});
