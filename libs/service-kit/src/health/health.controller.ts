import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { READINESS_CHECKS, type ReadinessCheck } from './readiness-check';

// A check that hangs counts as failing: a probe must answer within its own deadline.
const CHECK_TIMEOUT_MS = 2000;

@ApiExcludeController()
@Controller('health')
export class HealthController {
  constructor(@Inject(READINESS_CHECKS) private readonly checks: ReadinessCheck[]) {}

  /** The process is up and its event loop answers. */
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Every dependency answers; 503 names the ones that do not. */
  @Get('ready')
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<ReadinessReport> {
    const results = await Promise.all(
      this.checks.map(async (check) => ({ name: check.name, ready: await checkWithTimeout(check) })),
    );
    const ready = results.every((result) => result.ready);
    if (!ready) reply.status(HttpStatus.SERVICE_UNAVAILABLE);
    return {
      status: ready ? 'ready' : 'not ready',
      checks: Object.fromEntries(results.map(({ name, ready }) => [name, ready ? 'up' : 'down'])),
    };
  }
}

export interface ReadinessReport {
  status: 'ready' | 'not ready';
  checks: Record<string, 'up' | 'down'>;
}

async function checkWithTimeout(check: ReadinessCheck): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), CHECK_TIMEOUT_MS);
  });
  try {
    return await Promise.race([check.isReady().catch(() => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
