import { loggableError } from '@switchboard/telemetry';
import type { MessagingLog, MessagingLogFields } from '../messaging-log';

// While an outage lasts, one reminder this often instead of a line per try of every handler.
const REMINDER_INTERVAL_MS = 30_000;

/**
 * Says once that a consumer is holding its work because a dependency is unavailable, reminds
 * every half minute while it lasts, and says when work resumed and after how long.
 */
export class DependencyOutageLog {
  private since: number | undefined;
  private remindedAt = 0;

  constructor(
    private readonly log: MessagingLog,
    private readonly now: () => number = Date.now,
  ) {}

  /** Set while some handler of this consumer waits for a dependency to come back. */
  get waitingSince(): Date | undefined {
    return this.since === undefined ? undefined : new Date(this.since);
  }

  fault(fields: MessagingLogFields, error: unknown, retryInMs: number): void {
    const now = this.now();
    if (this.since === undefined) {
      this.since = now;
      this.remindedAt = now;
      this.log('warn', 'a dependency is unavailable: holding the work and trying again until it is back', {
        ...fields,
        retryInMs,
        error: loggableError(error),
      });
    } else if (now - this.remindedAt >= REMINDER_INTERVAL_MS) {
      this.remindedAt = now;
      this.log('warn', 'still waiting for a dependency', {
        ...fields,
        waitingForMs: now - this.since,
        error: loggableError(error),
      });
    }
  }

  recovered(fields: MessagingLogFields): void {
    if (this.since === undefined) return;
    const waitedMs = this.now() - this.since;
    this.since = undefined;
    this.log('info', 'the dependency is back: work resumed', { ...fields, waitedMs });
  }
}
