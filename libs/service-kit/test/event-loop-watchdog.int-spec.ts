import { Controller, type LoggerService, Module, Post } from '@nestjs/common';
import { waitFor } from '@switchboard/testing';
import { HealthModule, runService, type RunningService } from '../src';

@Controller('work')
class BlockingController {
  // Synchronous work that holds the event loop, as a runaway loop or a huge JSON.stringify would.
  @Post('block')
  block(): { blockedMs: number } {
    const started = Date.now();
    while (Date.now() - started < 1_500) {
      // busy on purpose
    }
    return { blockedMs: Date.now() - started };
  }
}

@Module({ imports: [HealthModule.register([])], controllers: [BlockingController] })
class BlockingModule {}

class CollectingLogger implements LoggerService {
  readonly warnings: string[] = [];
  log(): void {
    // only warnings matter here
  }
  error(): void {
    // only warnings matter here
  }
  warn(message: unknown): void {
    this.warnings.push(String(message));
  }
}

describe('event-loop watchdog behind /health/live', () => {
  let service: RunningService;
  const logger = new CollectingLogger();

  beforeAll(async () => {
    service = await runService({
      name: 'blocking',
      module: BlockingModule,
      port: 0,
      logger,
      eventLoop: { warnAfterMs: 200, failLivenessAfterMs: 700, windowMs: 3_000, sampleIntervalMs: 50 },
    });
  });
  afterAll(() => service.close());

  async function live(): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(`${service.url}/health/live`);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  it('answers 200 while the loop runs freely', async () => {
    expect(await live()).toEqual({ status: 200, body: { status: 'ok' } });
  });

  it('logs a warning and fails liveness with 503 naming the block after the loop was blocked, then recovers', async () => {
    await fetch(`${service.url}/work/block`, { method: 'POST' });

    const failing = await waitFor('liveness to fail after the block', async () => {
      const answer = await live();
      return answer.status === 503 ? answer : undefined;
    });
    expect(failing.body).toMatchObject({
      status: 'event loop blocked',
      eventLoopBlockedMs: expect.any(Number),
      detail: expect.stringContaining('the event loop was blocked for'),
    });
    expect(failing.body.eventLoopBlockedMs).toBeGreaterThanOrEqual(700);
    expect(logger.warnings).toContainEqual(expect.stringContaining('the event loop was blocked for'));

    await waitFor(
      'liveness to recover once the window has passed',
      async () => (await live()).status === 200,
      10_000,
    );
  });
});
