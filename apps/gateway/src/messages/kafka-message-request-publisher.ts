import { Logger } from '@nestjs/common';
import {
  ContractValidationError,
  type MessageRequested,
  MessageRequestedTopic,
} from '@switchboard/contracts';
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
      await withDeadline(this.events.publishMany(MessageRequestedTopic.topic, events), this.timeoutMs);
    } catch (error) {
      // A payload built from a validated request always passes; if not, it is our bug, not the broker's.
      if (error instanceof ContractValidationError) throw error;
      this.logger.warn('could not publish MessageRequested events', {
        tenantId: events[0]?.tenantId,
        count: events.length,
        error: String(error),
      });
      throw new GatewayError('BROKER_UNAVAILABLE', 'messages cannot be accepted right now; retry later');
    }
  }
}

/**
 * Rejects when `work` has not settled within `timeoutMs`. The send itself goes on; should it still
 * succeed, the caller (told 503) may retry and the message arrive twice: at least once, never lost.
 */
async function withDeadline(work: Promise<void>, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no acknowledgement within ${timeoutMs} ms`)), timeoutMs);
  });
  work.catch(() => undefined);
  try {
    await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
