import { isInfrastructureFault } from '@switchboard/faults';
import { retryDelayMs } from './timing';

/** How tries at a piece of work ended. */
export type AttemptsResult =
  | { result: 'succeeded' }
  /** Failed on its own merits on every allowed try. */
  | { result: 'failed'; error: unknown; attempts: number }
  /** Failed in a way the caller asked to see at once (to split a batch), after `attempts` tries. */
  | { result: 'isolate'; error: unknown; attempts: number }
  /** The consumer is stopping or lost the partition: the work is left for redelivery. */
  | { result: 'abandoned' };

export interface AttemptPolicy {
  maxAttempts: number;
  retryBackoffMs: number;
  /** Longest wait between tries while a dependency is unavailable. */
  outageBackoffMaxMs: number;
  /** Failures that end the tries at once with 'isolate' (checked after the infrastructure check). */
  isolate?(error: unknown): boolean;
}

export interface AttemptHooks {
  /** Waits `ms`; resolves false when the work must stop instead. */
  wait(ms: number): Promise<boolean>;
  /** A try failed on its own merits and runs again after `retryInMs`. */
  onRetry(attempt: number, error: unknown, retryInMs: number): void;
  /** A dependency is unavailable: the same try runs again after `waitMs`, not counted. */
  onOutage(error: unknown, waitMs: number): void;
  /** A try succeeded or failed on its own merits after at least one outage wait. */
  onOutageOver(): void;
}

/**
 * Runs `work` until it succeeds or has failed `maxAttempts` times on its own merits. An
 * infrastructure fault (PostgreSQL or the broker unavailable) is not the work's failure: the try
 * is repeated after a capped backoff for as long as the outage lasts, so a message is never
 * dead-lettered because a dependency was down.
 */
export async function runAttempts(
  work: (attempt: number) => Promise<void>,
  policy: AttemptPolicy,
  hooks: AttemptHooks,
): Promise<AttemptsResult> {
  let outageWaits = 0;
  for (let attempt = 1; ;) {
    try {
      await work(attempt);
      if (outageWaits > 0) hooks.onOutageOver();
      return { result: 'succeeded' };
    } catch (error) {
      if (isInfrastructureFault(error)) {
        outageWaits += 1;
        const waitMs = Math.min(retryDelayMs(outageWaits, policy.retryBackoffMs), policy.outageBackoffMaxMs);
        hooks.onOutage(error, waitMs);
        if (!(await hooks.wait(waitMs))) return { result: 'abandoned' };
        continue;
      }
      if (outageWaits > 0) {
        hooks.onOutageOver();
        outageWaits = 0;
      }
      if (policy.isolate?.(error)) return { result: 'isolate', error, attempts: attempt };
      if (attempt >= policy.maxAttempts) return { result: 'failed', error, attempts: attempt };
      const retryInMs = retryDelayMs(attempt, policy.retryBackoffMs);
      hooks.onRetry(attempt, error, retryInMs);
      if (!(await hooks.wait(retryInMs))) return { result: 'abandoned' };
      attempt += 1;
    }
  }
}
