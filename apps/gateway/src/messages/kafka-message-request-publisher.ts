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

export class KafkaMessageRequestPublisher extends MessageRequestPublisher {
  private readonly logger = new Logger(KafkaMessageRequestPublisher.name);

  constructor(
    private readonly events: EventPublisher,
    /** The client retries an unreachable broker for half a minute; a caller should hear sooner. */
    private readonly timeoutMs: number,
  ) {
    super();
  }

  async publish(events: MessageRequested[]): Promise<void> {
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
      throw new GatewayError('BROKER_UNAVAILABLE', 'messages cannot be accepted right now; retry later');
    }
  }
}
