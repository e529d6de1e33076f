import { Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { EmailReceiptTopic } from '@switchboard/contracts';
import { ConsumerRunner, type EventPublisher } from '@switchboard/messaging';
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
export class EmailReceiptsConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(EmailReceiptsConsumer.name);
  private readonly runner: ConsumerRunner;

  constructor(
    kafka: Kafka,
    publisher: EventPublisher,
    recordReceipts: RecordEmailReceiptsUsecase,
    private readonly settings: EmailReceiptsConsumerSettings,
  ) {
    this.runner = new ConsumerRunner(kafka, publisher, {
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
  }

  onApplicationBootstrap(): Promise<void> {
    return this.runner.start();
  }

  // Before the publisher closes (in the messaging module's shutdown), so an in-flight batch can publish.
  beforeApplicationShutdown(): Promise<void> {
    return this.runner.stop();
  }

  isHealthy(): boolean {
    return this.runner.isHealthy();
  }
}
