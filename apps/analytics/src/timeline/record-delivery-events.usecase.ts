import type { DeliveryEvent } from '@switchboard/contracts';
import { circuitChanges, type CircuitChange } from './circuit-changes';
import { messageStatusUpdates, type MessageStatusUpdate } from './message-status-updates';

/** What one consumed batch changes: its events, and the statuses and circuits they move. */
export interface DeliveryEventBatch {
  /**
   * The delivery-events partition the batch came from. Metric counters are kept per partition so
   * that batches of different partitions, stored at the same time, never wait on the same rows.
   */
  partition: number;
  events: readonly DeliveryEvent[];
  statusUpdates: readonly MessageStatusUpdate[];
  circuitChanges: readonly CircuitChange[];
}

export interface TimelineWriter {
  record(batch: DeliveryEventBatch): Promise<void>;
}

/**
 * Stores a consumed batch of delivery events and moves their messages' statuses, the delivery
 * metrics and the providers' circuit states forward, together.
 */
export class RecordDeliveryEventsUsecase {
  constructor(private readonly timeline: TimelineWriter) {}

  async execute(events: readonly DeliveryEvent[], partition: number): Promise<void> {
    if (events.length === 0) return;
    await this.timeline.record({
      partition,
      events,
      statusUpdates: messageStatusUpdates(events),
      circuitChanges: circuitChanges(events),
    });
  }
}
