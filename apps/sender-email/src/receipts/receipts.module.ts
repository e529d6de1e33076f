import { Global, Module } from '@nestjs/common';
import { DeliveryEventTopic } from '@switchboard/contracts';
import { consumerReadiness, EventPublisher, KAFKA } from '@switchboard/messaging';
import { Metrics } from '@switchboard/telemetry';
import type { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { SENDER_EMAIL_CONFIG, type SenderEmailConfig } from '../config';
import { SENDER_EMAIL } from '../sender-email-names';
import { EmailReceiptsConsumer } from './email-receipts.consumer';
import { SentEmailRepository } from './sent-email.repository';
import { RecordEmailReceiptsUsecase } from './record-email-receipts.usecase';

/** Ready while the receipts consumer is in its group. */
export const ReceiptsReadiness = consumerReadiness('receipts', EmailReceiptsConsumer);

// Global so that the health module can see the consumer for its readiness check.
@Global()
@Module({
  providers: [
    {
      provide: RecordEmailReceiptsUsecase,
      useFactory: (dataSource: DataSource, publisher: EventPublisher) =>
        new RecordEmailReceiptsUsecase({
          sentEmails: new SentEmailRepository((sql, parameters) => dataSource.query(sql, parameters)),
          recordEvents: (events) => publisher.publishMany(DeliveryEventTopic.topic, events),
        }),
      inject: [DataSource, EventPublisher],
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
          unknownReceipts: new Metrics(SENDER_EMAIL).counter('switchboard.email.receipts.unknown', {
            description: 'Email receipts skipped because no delivery has their provider message id',
          }),
        }),
      inject: [KAFKA, EventPublisher, RecordEmailReceiptsUsecase, SENDER_EMAIL_CONFIG],
    },
  ],
  exports: [EmailReceiptsConsumer],
})
export class ReceiptsModule {}
