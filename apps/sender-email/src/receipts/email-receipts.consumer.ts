import { Logger } from '@nestjs/common';
import { EmailReceiptTopic } from '@switchboard/contracts';
import { ConsumerHost, ConsumerRunner, type EventPublisher } from '@switchboard/messaging';
import type { Counter } from '@opentelemetry/api';
import type { Kafka } from 'kafkajs';
import type { RecordEmailReceiptsUsecase } from './record-email-receipts.usecase';

export const EMAIL_RECEIPTS_CONSUMER_GROUP = 'sender-email-receipts';

export interface EmailReceiptsConsumerSettings {
  maxAttempts: number;
  /** Counts receipts whose provider message id no delivery has, by provider. */
  unknownReceipts: Pick<Counter, 'add'>;
}

/**
 * Records the provider's receipts a fetched batch at a time (one ledger lookup, one publish), in a
 * group of its own so that receipts never wait behind a send backlog.
 */
export class EmailReceiptsConsumer extends ConsumerHost {
  private readonly logger = new Logger(EmailReceiptsConsumer.name);

  constructor(
    kafka: Kafka,
    publisher: EventPublisher,
    recordReceipts: RecordEmailReceiptsUsecase,
    private readonly settings: EmailReceiptsConsumerSettings,
  ) {
    super();
    const runner = new ConsumerRunner(kafka, publisher, {
      groupId: EMAIL_RECEIPTS_CONSUMER_GROUP,
      maxAttempts: settings.maxAttempts,
    }).onBatch(EmailReceiptTopic.topic, async (events) => {
      const results = await recordReceipts.execute(events.map((event) => event.payload));
      results.forEach((result, index) => {
        if (result.result !== 'skipped') return;
        const { provider, providerMessageId, notificationId, type } = events[index].payload;
        this.settings.unknownReceipts.add(1, { provider, type });
        // Receipts of emails sent before the ledger existed, or by another system on the same account.
        this.logger.warn({
          message: 'email receipt skipped',
          reason: result.reason,
          provider,
          providerMessageId,
          notificationId,
          type,
        });
      });
    });
    this.host(runner);
  }
}
