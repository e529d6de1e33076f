import { performance } from 'node:perf_hooks';
import { Logger } from '@nestjs/common';

export interface EventLoopWatchdogOptions {
  /** A block at least this long logs a warning. Default 1,000 ms. */
  warnAfterMs?: number;
  /** A block at least this long fails liveness for `windowMs`. Default 5,000 ms. */
  failLivenessAfterMs?: number;
  /** How long such a block keeps liveness failing. Default 60 s. */
  windowMs?: number;
  /** How often the timer looks; a block is measured to within this. Default 500 ms. */
  sampleIntervalMs?: number;
}

/** A time the event loop could not run anything else. */
export interface EventLoopBlock {
  blockedMs: number;
  /** performance.now() when the loop ran again. */
  endedAt: number;
}

export const EVENT_LOOP_DEFAULTS: Required<EventLoopWatchdogOptions> = {
  warnAfterMs: 1_000,
  failLivenessAfterMs: 5_000,
  windowMs: 60_000,
  sampleIntervalMs: 500,
};

/**
 * Measures how late a repeating timer fires: the lateness is how long the event loop was
 * blocked (synchronous work, a runaway loop, a long GC). While it is blocked nothing answers,
 * not even /health/live; afterwards liveness fails for a while, so an orchestrator restarts a
 * service that keeps blocking. The timer is unref'd and wakes twice a second.
 */
export class EventLoopWatchdog {
  private readonly options: Required<EventLoopWatchdogOptions>;
  private readonly blocks: EventLoopBlock[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    options: EventLoopWatchdogOptions = {},
    private readonly logger: Pick<Logger, 'warn'> = new Logger(EventLoopWatchdog.name),
    private readonly now: () => number = () => performance.now(),
  ) {
    this.options = { ...EVENT_LOOP_DEFAULTS, ...options };
  }

  start(): void {
    if (this.timer) return;
    let expected = this.now() + this.options.sampleIntervalMs;
    this.timer = setInterval(() => {
      const now = this.now();
      this.record(now - expected, now);
      expected = now + this.options.sampleIntervalMs;
    }, this.options.sampleIntervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One sample: the timer fired `delayMs` late at `at`. */
  record(delayMs: number, at: number): void {
    if (delayMs >= this.options.warnAfterMs) {
      this.logger.warn(
        `the event loop was blocked for ${Math.round(delayMs)} ms: nothing else ran meanwhile, health checks included`,
      );
    }
    if (delayMs >= this.options.failLivenessAfterMs) {
      this.blocks.push({ blockedMs: Math.round(delayMs), endedAt: at });
    }
  }

  /** The longest block that fails liveness now, if any. */
  liveness(at = this.now()): EventLoopVerdict | undefined {
    while (this.blocks.length > 0 && at - this.blocks[0].endedAt > this.options.windowMs) this.blocks.shift();
    const longest = this.blocks.reduce<EventLoopBlock | undefined>(
      (found, block) => (found && found.blockedMs >= block.blockedMs ? found : block),
      undefined,
    );
    if (!longest) return undefined;
    return {
      blockedMs: longest.blockedMs,
      secondsAgo: Math.round((at - longest.endedAt) / 1000),
      thresholdMs: this.options.failLivenessAfterMs,
      windowMs: this.options.windowMs,
    };
  }
}

/** Why liveness fails: a block of `blockedMs` ended `secondsAgo`, over `thresholdMs` within `windowMs`. */
export interface EventLoopVerdict {
  blockedMs: number;
  secondsAgo: number;
  thresholdMs: number;
  windowMs: number;
}

// One event loop per process, so one watchdog per process, shared by every app started in it
// (tests start several): the first start's settings hold until the last app has closed.
let shared: { watchdog: EventLoopWatchdog; apps: number } | undefined;

/** Starts the process's watchdog, or joins it; the returned function leaves it (the last stops it). */
export function watchEventLoop(options: EventLoopWatchdogOptions = {}): () => void {
  if (!shared) {
    shared = { watchdog: new EventLoopWatchdog(options), apps: 0 };
    shared.watchdog.start();
  }
  const joined = shared;
  joined.apps += 1;
  let left = false;
  return () => {
    if (left) return;
    left = true;
    joined.apps -= 1;
    if (joined.apps === 0 && shared === joined) {
      joined.watchdog.stop();
      shared = undefined;
    }
  };
}

/** The process's verdict for liveness: undefined while the loop has not blocked for too long lately. */
export function eventLoopLiveness(): EventLoopVerdict | undefined {
  return shared?.watchdog.liveness();
}
