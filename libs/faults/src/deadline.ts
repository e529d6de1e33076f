import { DependencyUnavailableError } from './infrastructure-fault';

/**
 * Resolves or rejects as `work` does, unless it has not settled within `timeoutMs`: then it rejects
 * with a DependencyUnavailableError naming `dependency` (a dependency that does not answer in time
 * is unavailable to this caller). The work itself goes on; should it still succeed, the caller
 * (told to retry) may do it twice: at least once, never lost.
 */
export async function withDeadline<T>(work: Promise<T>, timeoutMs: number, dependency: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new DependencyUnavailableError(dependency, `${dependency} did not answer within ${timeoutMs} ms`),
        ),
      timeoutMs,
    );
  });
  work.catch(() => undefined);
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
