import { isInfrastructureFault } from '@switchboard/faults';
import type { MessagingLog } from '@switchboard/messaging';
import { abortableSleep } from './abortable-sleep';

const RETRY_BASE_MS = 200;
const RETRY_MAX_MS = 2000;

/**
 * Runs `work` until it succeeds, trying again (200 ms doubling to 2 s) for as long as a
 * dependency is unavailable. Any other error, or `signal` aborting, ends it with that error.
 * For work that must not be undone by a redelivery: recording that a provider was called.
 */
export async function despiteOutages(
  what: string,
  work: () => Promise<unknown>,
  options: { signal: AbortSignal; log?: MessagingLog },
): Promise<void> {
  for (let failures = 0; ; failures++) {
    try {
      await work();
      if (failures > 0) options.log?.('info', `could ${what} again`, { tries: failures + 1 });
      return;
    } catch (error) {
      if (!isInfrastructureFault(error) || options.signal.aborted) throw error;
      if (failures === 0) {
        options.log?.('warn', `cannot ${what} while a dependency is unavailable; trying again`, {
          error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
        });
      }
      await abortableSleep(Math.min(RETRY_BASE_MS * 2 ** failures, RETRY_MAX_MS), options.signal);
    }
  }
}
