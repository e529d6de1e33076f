import { Logger } from '@nestjs/common';
import {
  ContractValidationError,
  type MessageRequested,
  MessageRequestedTopic,
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
      await withDeadline(
        this.events.publishMany(MessageRequestedTopic.topic, events),
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

function unavailable(): GatewayError {
  return new GatewayError('BROKER_UNAVAILABLE', 'messages cannot be accepted right now; retry later');
}
