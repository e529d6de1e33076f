const MAX_RETRY_DELAY_MS = 30_000;

/** Exponential backoff after the given failed attempt (1-based): base, 2×base, 4×base, ... capped. */
export function retryDelayMs(failedAttempt: number, baseMs: number): number {
  return Math.min(baseMs * 2 ** (failedAttempt - 1), MAX_RETRY_DELAY_MS);
}

/** When a record with this not-before header may be handled; undefined when at once (none, or unreadable). */
export function notBeforeTime(notBefore: string | undefined): number | undefined {
  if (notBefore === undefined) return undefined;
  const due = Date.parse(notBefore);
  return Number.isNaN(due) ? undefined : due;
}

/** Resolves true after `ms`, or false as soon as `stop` is aborted. */
export function waitUnlessStopped(ms: number, stop: AbortSignal): Promise<boolean> {
  if (stop.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onStop = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      stop.removeEventListener('abort', onStop);
      resolve(true);
    }, ms);
    stop.addEventListener('abort', onStop, { once: true });
  });
}
