import { Logger } from '@nestjs/common';
import { ContractValidationError, type EmailReceipt, EmailReceiptTopic } from '@switchboard/contracts';
import { withDeadline } from '@switchboard/faults';
import type { EventPublisher } from '@switchboard/messaging';
import { ReceiptError } from './receipt-error';
import { EmailReceiptPublisher } from './receipt-ports';

export class KafkaEmailReceiptPublisher extends EmailReceiptPublisher {
  private readonly logger = new Logger(KafkaEmailReceiptPublisher.name);

  constructor(
    private readonly events: EventPublisher,
    /** The client retries an unreachable broker for half a minute; SNS gives up on a slow endpoint sooner. */
    private readonly timeoutMs: number,
  ) {
    super();
  }

  async publish(receipt: EmailReceipt): Promise<void> {
    try {
      // Should the send still succeed after the deadline, SNS (told 503) retries and the receipt
      // arrives twice with one notificationId: at least once.
      await withDeadline(this.events.publish(EmailReceiptTopic.topic, receipt), this.timeoutMs, 'the broker');
    } catch (error) {
      // The receipt was checked against the contract before; failing it here is our bug.
      if (error instanceof ContractValidationError) throw error;
      this.logger.warn('could not publish EmailReceipt', {
        snsMessageId: receipt.notificationId,
        providerMessageId: receipt.providerMessageId,
        error: String(error),
      });
      throw new ReceiptError(
        'BROKER_UNAVAILABLE',
        'the receipt cannot be recorded right now; SNS will retry',
      );
    }
  }
}
