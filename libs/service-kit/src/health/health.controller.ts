import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { eventLoopLiveness } from './event-loop-watchdog';
import { PublicRoute } from '../access/route-access';
import { READINESS_CHECKS, type ReadinessCheck } from './readiness-check';

// A check that hangs counts as failing: a probe must answer within its own deadline.
const CHECK_TIMEOUT_MS = 2000;

@ApiExcludeController()
@PublicRoute('orchestrator probes; they reveal only up/down and dependency names')
@Controller('health')
export class HealthController {
  constructor(@Inject(READINESS_CHECKS) private readonly checks: ReadinessCheck[]) {}

  /**
   * The process is up and its event loop answers, and has not lately been blocked for longer
   * than the watchdog allows (503 naming the block: restart a service that keeps blocking).
   */
  @Get('live')
  live(@Res({ passthrough: true }) reply: FastifyReply): LivenessReport {
    const verdict = eventLoopLiveness();
    if (!verdict) return { status: 'ok' };
    reply.status(HttpStatus.SERVICE_UNAVAILABLE);
    return {
      status: 'event loop blocked',
      eventLoopBlockedMs: verdict.blockedMs,
      detail:
        `the event loop was blocked for ${verdict.blockedMs} ms ${verdict.secondsAgo} s ago; ` +
        `liveness fails for ${verdict.windowMs / 1000} s after a block of ${verdict.thresholdMs} ms or more`,
    };
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

export type LivenessReport =
  { status: 'ok' } | { status: 'event loop blocked'; eventLoopBlockedMs: number; detail: string };

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
