import { Global, Module } from '@nestjs/common';
import { DeliveryEventTopic } from '@switchboard/contracts';
import { EventPublisher, KAFKA } from '@switchboard/messaging';
import { Metrics } from '@switchboard/telemetry';
import type { Kafka } from 'kafkajs';
import type { SenderEmailConfig } from '../config';
import { PostgresDeliveryLedger } from '../deliveries/postgres-delivery-ledger';
import { SENDER_EMAIL_CONFIG } from '../sender-email-config.module';
import { EmailReceiptsConsumer } from './email-receipts.consumer';
import { RecordEmailReceiptsUsecase } from './record-email-receipts.usecase';

// Global so that the health module can see the consumer for its readiness check.
@Global()
@Module({
  providers: [
    PostgresDeliveryLedger,
    {
      provide: RecordEmailReceiptsUsecase,
      useFactory: (ledger: PostgresDeliveryLedger, publisher: EventPublisher) =>
        new RecordEmailReceiptsUsecase({
          sentEmails: ledger,
          recordEvents: (events) => publisher.publishMany(DeliveryEventTopic.topic, events),
        }),
      inject: [PostgresDeliveryLedger, EventPublisher],
    },
    {
      provide: EmailReceiptsConsumer,
      useFactory: (
        kafka: Kafka,
        publisher: EventPublisher,
        recordReceipts: RecordEmailReceiptsUsecase,
        config: SenderEmailConfig,
      ) =>
        new EmailReceiptsConsumer(kafka, publisher, recordReceipts, {
          maxAttempts: config.EMAIL_MAX_ATTEMPTS,
          unknownReceipts: new Metrics('sender-email').counter('switchboard.email.receipts.unknown', {
            description: 'Email receipts skipped because no delivery has their provider message id',
          }),
        }),
      inject: [KAFKA, EventPublisher, RecordEmailReceiptsUsecase, SENDER_EMAIL_CONFIG],
    },
  ],
  exports: [EmailReceiptsConsumer],
})
export class ReceiptsModule {}
