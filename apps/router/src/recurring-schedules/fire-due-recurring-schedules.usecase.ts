import { Logger } from '@nestjs/common';
import {
  type MessageRequested,
  MessageRequestedTopics,
  type PriorityName,
  requestedLaneOf,
} from '@switchboard/contracts';
import type { EventSink } from '@switchboard/messaging';
import { nextRunAfter } from './next-runs';
import { occurrenceMessageId } from './occurrence-message-id';
import { type RecurringSchedule, RecurringScheduleStore, type RunAdvance } from './recurring-schedule';

export const DEFAULT_RECURRING_BATCH_SIZE = 200;

/** What one pass did: runs sent, and runs skipped for being later than their schedule's tolerance. */
export interface FiredRuns {
  claimed: number;
  sent: number;
  skipped: number;
}

/**
 * Sends the due run of each claimed schedule as a MessageRequested (ingest accepts it like any
 * other request) and moves the schedule to its first run after now, in one transaction. Runs
 * missed while the router was down are sent once, not once each; a run found later than the
 * schedule's tolerance is skipped and counted.
 */
export class FireDueRecurringSchedules {
  private readonly logger = new Logger(FireDueRecurringSchedules.name);

  constructor(
    private readonly schedules: RecurringScheduleStore,
    private readonly events: EventSink,
    private readonly now: () => Date = () => new Date(),
    readonly batchSize = DEFAULT_RECURRING_BATCH_SIZE,
  ) {}

  async execute(): Promise<FiredRuns> {
    const now = this.now();
    const fired: FiredRuns = { claimed: 0, sent: 0, skipped: 0 };
    await this.schedules.claimDue(now, this.batchSize, async (due) => {
      const advances: RunAdvance[] = [];
      const requests: MessageRequested[] = [];
      for (const schedule of due) {
        // Claimed rows always have a due run; the guard only narrows the type.
        const runAt = schedule.nextRunAt ?? now;
        const lateSeconds = (now.getTime() - runAt.getTime()) / 1000;
        const skipped = lateSeconds > schedule.toleranceSeconds;
        if (skipped) {
          this.logger.warn(
            `skipped the run of schedule ${schedule.id} (tenant ${schedule.tenantId}) due at ${runAt.toISOString()}: ` +
              `found ${Math.round(lateSeconds)} s late, tolerance ${schedule.toleranceSeconds} s`,
          );
        } else {
          requests.push(runMessage(schedule, runAt, now));
        }
        advances.push({
          id: schedule.id,
          nextRunAt: nextRunAfter(schedule, now),
          ...(skipped ? {} : { lastRunAt: runAt }),
          skipped,
        });
      }
      await this.publishByLane(requests);
      fired.claimed = due.length;
      fired.sent = requests.length;
      fired.skipped = due.length - requests.length;
      return advances;
    });
    return fired;
  }

  // Each run takes its priority's lane, as a request over HTTP does, so bulk runs never hold up high ones.
  private async publishByLane(requests: MessageRequested[]): Promise<void> {
    await Promise.all(
      [...runMessageLanes(requests)].map(([lane, laneRequests]) =>
        this.events.publishMany(MessageRequestedTopics[lane].topic, laneRequests),
      ),
    );
  }
}

function runMessageLanes(requests: MessageRequested[]): Map<PriorityName, MessageRequested[]> {
  const lanes = new Map<PriorityName, MessageRequested[]>();
  for (const request of requests) {
    const lane = requestedLaneOf(request);
    lanes.set(lane, [...(lanes.get(lane) ?? []), request]);
  }
  return lanes;
}

function runMessage(schedule: RecurringSchedule, runAt: Date, now: Date): MessageRequested {
  return {
    ...schedule.message,
    tenantId: schedule.tenantId,
    messageId: occurrenceMessageId(schedule.id, runAt),
    acceptedAt: now.toISOString(),
    // The schedule was created over HTTP and this is the message it asked for; the enum has no
    // 'schedule' value, and adding one would change the contract every consumer validates against.
    source: 'http',
  };
}
