import { type CancelMessageResponse, type DeliveryEvent, DeliveryEventTopic } from '@switchboard/contracts';
import type { EventSink } from '@switchboard/messaging';
import { ROUTER_SOURCE } from '../routing/router-source';
import { CancellationError } from './cancellation-error';
import { CancellationStore, type TenantMessage } from './cancellation-store';

export const CANCELLED_REASON = 'cancelled by the tenant';

/**
 * Cancels a message that has not been sent: a waiting (deferred) message is cancelled at once with
 * a 'cancelled' event; one the router has not decided on yet is recorded, and routing ends it
 * 'cancelled' when it arrives. Once routed, skipped or released it is too late (409).
 */
export class CancelMessage {
  constructor(
    private readonly cancellations: CancellationStore,
    private readonly events: EventSink,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async execute(message: TenantMessage): Promise<CancelMessageResponse> {
    const cancelledAt = this.now();
    const outcome = await this.cancellations.cancel(message, cancelledAt, async () => {
      await this.events.publishMany(DeliveryEventTopic.topic, [cancelledEvent(message, cancelledAt)]);
    });
    switch (outcome) {
      case 'cancelled':
        return { messageId: message.messageId, status: 'cancelled' };
      case 'pending':
        return { messageId: message.messageId, status: 'cancelling' };
      case 'already-sent':
        throw new CancellationError(
          'MESSAGE_ALREADY_SENT',
          `message ${message.messageId} has already been sent or decided on; it can no longer be cancelled`,
        );
      default:
        return exhaustive(outcome);
    }
  }
}

/** The timeline event of a cancelled message; routing uses it too for messages cancelled before it decided. */
export function cancelledEvent(message: TenantMessage, cancelledAt: Date): DeliveryEvent {
  return {
    tenantId: message.tenantId,
    messageId: message.messageId,
    type: 'cancelled',
    occurredAt: cancelledAt.toISOString(),
    source: ROUTER_SOURCE,
    rule: 'cancelled',
    reason: CANCELLED_REASON,
  };
}

function exhaustive(outcome: never): never {
  throw new Error(`unhandled cancellation outcome ${String(outcome)}`);
}
