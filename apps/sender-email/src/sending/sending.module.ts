import { Global, Inject, Injectable, Module } from '@nestjs/common';
import { SESClient } from '@aws-sdk/client-ses';
import { DeliveryEventTopic } from '@switchboard/contracts';
import { EventPublisher, inTraceOfMessage, KAFKA } from '@switchboard/messaging';
import type { ReadinessCheck } from '@switchboard/service-kit';
import type { Kafka } from 'kafkajs';
import type { SenderEmailConfig } from '../config';
import { PostgresDeliveryLedger } from '../deliveries/postgres-delivery-ledger';
import { EmailReceiptsConsumer } from '../receipts/email-receipts.consumer';
import { SENDER_EMAIL_CONFIG } from '../sender-email-config.module';
import { EmailDispatchConsumers } from './email-dispatch.consumers';
import { emailLanes } from './email-lanes';
import type { EmailProvider } from './email-provider';
import { SendEmailBatchUsecase } from './send-email-batch.usecase';
import { sesClientConfig } from './ses-client-config';
import { SesEmailProvider } from './ses-email-provider';

/** Ready while every lane's consumer and the receipts consumer are in their groups. */
@Injectable()
export class ConsumerReadiness implements ReadinessCheck {
  readonly name = 'consumer';

  constructor(
    @Inject(EmailDispatchConsumers) private readonly consumers: EmailDispatchConsumers,
    @Inject(EmailReceiptsConsumer) private readonly receiptsConsumer: EmailReceiptsConsumer,
  ) {}

  async isReady(): Promise<boolean> {
    return this.consumers.isHealthy() && this.receiptsConsumer.isHealthy();
  }
}

/** Each provider call joins its message's trace, although the batch runs under a span of its own. */
function inMessageTraces(provider: EmailProvider): EmailProvider {
  return {
    name: provider.name,
    send: (dispatch) => inTraceOfMessage(dispatch.messageId, () => provider.send(dispatch)),
  };
}

// Global so that the health module can see the consumers for its readiness check.
@Global()
@Module({
  providers: [
    PostgresDeliveryLedger,
    {
      provide: SESClient,
      useFactory: (config: SenderEmailConfig) =>
        new SESClient(
          sesClientConfig({
            region: config.SES_REGION,
            endpoint: config.SES_ENDPOINT,
            accessKeyId: config.AWS_ACCESS_KEY_ID,
            secretAccessKey: config.AWS_SECRET_ACCESS_KEY,
          }),
        ),
      inject: [SENDER_EMAIL_CONFIG],
    },
    {
      provide: SendEmailBatchUsecase,
      useFactory: (
        ledger: PostgresDeliveryLedger,
        ses: SESClient,
        publisher: EventPublisher,
        config: SenderEmailConfig,
      ) =>
        new SendEmailBatchUsecase({
          ledger,
          provider: inMessageTraces(new SesEmailProvider(ses, config.EMAIL_FROM)),
          recordEvents: (events) => publisher.publishMany(DeliveryEventTopic.topic, events),
        }),
      inject: [PostgresDeliveryLedger, SESClient, EventPublisher, SENDER_EMAIL_CONFIG],
    },
    {
      provide: EmailDispatchConsumers,
      useFactory: (
        kafka: Kafka,
        publisher: EventPublisher,
        sendEmails: SendEmailBatchUsecase,
        config: SenderEmailConfig,
      ) =>
        new EmailDispatchConsumers(kafka, publisher, sendEmails, {
          lanes: emailLanes({
            high: config.EMAIL_CONCURRENCY_HIGH,
            normal: config.EMAIL_CONCURRENCY_NORMAL,
            bulk: config.EMAIL_CONCURRENCY_BULK,
          }),
          maxAttempts: config.EMAIL_MAX_ATTEMPTS,
        }),
      inject: [KAFKA, EventPublisher, SendEmailBatchUsecase, SENDER_EMAIL_CONFIG],
    },
  ],
  exports: [EmailDispatchConsumers],
})
export class SendingModule {}
