import { Logger, Module } from '@nestjs/common';
import { EventPublisher } from '@switchboard/messaging';
import { DataSource } from 'typeorm';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { KafkaEmailReceiptPublisher } from './kafka-email-receipt-publisher';
import { ReceivedSnsMessageRepository } from './received-sns-message.repository';
import {
  EmailReceiptPublisher,
  ReceivedSnsMessages,
  SnsMessageVerification,
  SnsSubscriptionConfirmer,
} from './receipt-ports';
import { ReceiveSnsMessage } from './receive-sns-message.usecase';
import { SesReceiptsController } from './ses-receipts.controller';
import { HttpsSnsSubscriptionConfirmer } from './sns-https';
import { createSnsMessageVerification } from './sns-message-verification';

/** POST /v1/receipts/ses: SES receipts from an SNS subscription, published as EmailReceipt events. */
@Module({
  controllers: [SesReceiptsController],
  providers: [
    {
      provide: ReceivedSnsMessageRepository,
      useFactory: (dataSource: DataSource) => new ReceivedSnsMessageRepository(dataSource),
      inject: [DataSource],
    },
    { provide: ReceivedSnsMessages, useExisting: ReceivedSnsMessageRepository },
    {
      provide: SnsMessageVerification,
      useFactory: (receivedMessages: ReceivedSnsMessages, config: GatewayConfig) =>
        createSnsMessageVerification(
          {
            allowedTopicArns: config.SES_RECEIPT_TOPIC_ARNS ?? [],
            httpTimeoutMs: config.SNS_HTTP_TIMEOUT,
            ...(config.SNS_TRUSTED_SIGNING_CERTIFICATE_PEM === undefined
              ? {}
              : { trustedCertificatePem: config.SNS_TRUSTED_SIGNING_CERTIFICATE_PEM }),
          },
          receivedMessages,
          new Logger(ReceiptsModule.name),
        ),
      inject: [ReceivedSnsMessages, GATEWAY_CONFIG],
    },
    {
      provide: EmailReceiptPublisher,
      useFactory: (events: EventPublisher, config: GatewayConfig) =>
        new KafkaEmailReceiptPublisher(events, config.PUBLISH_TIMEOUT),
      inject: [EventPublisher, GATEWAY_CONFIG],
    },
    {
      provide: SnsSubscriptionConfirmer,
      useFactory: (config: GatewayConfig) => new HttpsSnsSubscriptionConfirmer(config.SNS_HTTP_TIMEOUT),
      inject: [GATEWAY_CONFIG],
    },
    {
      provide: ReceiveSnsMessage,
      useFactory: (
        verification: SnsMessageVerification,
        receivedMessages: ReceivedSnsMessages,
        receipts: EmailReceiptPublisher,
        subscriptions: SnsSubscriptionConfirmer,
      ) => new ReceiveSnsMessage(verification, receivedMessages, receipts, subscriptions),
      inject: [SnsMessageVerification, ReceivedSnsMessages, EmailReceiptPublisher, SnsSubscriptionConfirmer],
    },
  ],
  exports: [ReceivedSnsMessageRepository],
})
export class ReceiptsModule {}
