import { Logger } from '@nestjs/common';
import { ContractValidationError, type EmailReceipt, EmailReceiptTopic } from '@switchboard/contracts';
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
      await withDeadline(this.events.publish(EmailReceiptTopic.topic, receipt), this.timeoutMs);
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

/**
 * Rejects when `work` has not settled within `timeoutMs`. Should the send still succeed, SNS
 * (told 503) retries and the receipt arrives twice with one notificationId: at least once.
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
