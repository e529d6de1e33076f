import type { DeliveryEvent } from '@switchboard/contracts';
import { messageStatusUpdates, type MessageStatusUpdate } from './message-status-updates';

export interface TimelineWriter {
  record(events: readonly DeliveryEvent[], statusUpdates: readonly MessageStatusUpdate[]): Promise<void>;
}

/** Stores a consumed batch of delivery events and moves their messages' statuses forward, together. */
export class RecordDeliveryEventsUsecase {
  constructor(private readonly timeline: TimelineWriter) {}

  async execute(events: readonly DeliveryEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.timeline.record(events, messageStatusUpdates(events));
  }
}
