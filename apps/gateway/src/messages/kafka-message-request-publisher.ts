import { Logger } from '@nestjs/common';
import {
  ContractValidationError,
  type MessageRequested,
  messageRequestedTopicFor,
  type PriorityName,
  requestedLaneOf,
} from '@switchboard/contracts';
import { isInfrastructureFault, withDeadline } from '@switchboard/faults';
import type { EventPublisher } from '@switchboard/messaging';
import { GatewayError } from '../gateway-error';
import { MessageRequestPublisher } from './message-ports';

// After a publish found the broker unavailable, requests are refused at once for this long; the
// first one after it tries again. Without it every request of an outage waits the whole deadline.
const REFUSE_AFTER_OUTAGE_MS = 1000;

export class KafkaMessageRequestPublisher extends MessageRequestPublisher {
  private readonly logger = new Logger(KafkaMessageRequestPublisher.name);
  private unavailableUntil = 0;

  constructor(
    private readonly events: EventPublisher,
    /** The client retries an unreachable broker for half a minute; a caller should hear sooner. */
    private readonly timeoutMs: number,
    private readonly now: () => number = Date.now,
  ) {
    super();
  }

  override ensureAvailable(): void {
    if (this.now() < this.unavailableUntil) throw unavailable();
  }

  async publish(events: MessageRequested[]): Promise<void> {
    this.ensureAvailable();
    try {
      // Publishes made together go out in one request to the broker, whatever their lanes.
      await withDeadline(
        Promise.all(
          [...byLane(events)].map(([lane, messages]) =>
            this.events.publishMany(messageRequestedTopicFor(lane), messages),
          ),
        ),
        this.timeoutMs,
        'the broker',
      );
    } catch (error) {
      // Only an unreachable or silent broker is "retry later"; anything else is our bug, a 500.
      if (error instanceof ContractValidationError || !isInfrastructureFault(error)) throw error;
      this.logger.warn('could not publish MessageRequested events', {
        tenantId: events[0]?.tenantId,
        count: events.length,
        error: String(error),
      });
      this.unavailableUntil = this.now() + REFUSE_AFTER_OUTAGE_MS;
      throw unavailable();
    }
  }
}

/** Each request goes down the lane of its own priority (normal without one), so bulk never holds up high. */
function byLane(events: MessageRequested[]): Map<PriorityName, MessageRequested[]> {
  const lanes = new Map<PriorityName, MessageRequested[]>();
  for (const event of events) {
    const lane = requestedLaneOf(event);
    const messages = lanes.get(lane);
    if (messages) messages.push(event);
    else lanes.set(lane, [event]);
  }
  return lanes;
}

function unavailable(): GatewayError {
  return new GatewayError('BROKER_UNAVAILABLE', 'messages cannot be accepted right now; retry later');
}
