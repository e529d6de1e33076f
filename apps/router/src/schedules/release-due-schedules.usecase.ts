import { type DeliveryEvent, DeliveryEventTopic, RenderRequestedTopic } from '@switchboard/contracts';
import type { ScheduledRender } from '../routing/decision-store';
import { type EventSink, ROUTER_SOURCE } from '../routing/event-sink';
import { ScheduleStore } from './schedule-store';

export const DEFAULT_RELEASE_BATCH_SIZE = 500;

/**
 * Publishes the render requests of deferred messages whose time has come, in bulk, with a
 * 'routed' delivery event each. Returns how many it released; a full batch means more may be due.
 */
export class ReleaseDueSchedules {
  constructor(
    private readonly schedules: ScheduleStore,
    private readonly events: EventSink,
    private readonly now: () => Date = () => new Date(),
    readonly batchSize = DEFAULT_RELEASE_BATCH_SIZE,
  ) {}

  async execute(): Promise<number> {
    const now = this.now();
    const released = await this.schedules.releaseDue(now, this.batchSize, async (due) => {
      await Promise.all([
        this.events.publishMany(
          RenderRequestedTopic.topic,
          due.flatMap((schedule) => schedule.renderRequests),
        ),
        this.events.publishMany(
          DeliveryEventTopic.topic,
          due.map((schedule) => releasedEvent(schedule, now)),
        ),
      ]);
    });
    return released.length;
  }
}

function releasedEvent(schedule: ScheduledRender, releasedAt: Date): DeliveryEvent {
  return {
    tenantId: schedule.tenantId,
    messageId: schedule.messageId,
    type: 'routed',
    occurredAt: releasedAt.toISOString(),
    source: ROUTER_SOURCE,
    channel: schedule.renderRequests[0]?.channel,
    detail: { scheduledFor: schedule.dueAt.toISOString() },
  };
}
