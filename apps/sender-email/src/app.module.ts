import { Module, type Type } from '@nestjs/common';
import { DeliveryEventTopic, EmailChannelTopics, EmailReceiptTopic } from '@switchboard/contracts';
import {
  EventPublisher,
  KAFKA,
  MessagingHealthIndicator,
  MessagingModule,
  kafkaSettingsFromConfig,
} from '@switchboard/messaging';
import { EncryptionModule } from '@switchboard/encryption';
import { DatabaseHealthIndicator, PersistenceModule } from '@switchboard/persistence';
import { ChannelSenderModule, ChannelSenderReadiness } from '@switchboard/sender-kit';
import { ConfigModule, HealthModule, ServiceAccessModule } from '@switchboard/service-kit';
import type { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { SENDER_EMAIL_CONFIG, type SenderEmailConfig } from './config';
import { CreateSenderEmailDeliveries1795595431377 } from './migrations/1795595431377-create-sender-email-deliveries';
import { IndexSenderEmailProviderMessageId1795700000000 } from './migrations/1795700000000-index-sender-email-provider-message-id';
import { MoveSenderEmailDeliveriesToSenderKit1795800000000 } from './migrations/1795800000000-move-sender-email-deliveries-to-sender-kit';
import { ReceiptsModule, ReceiptsReadiness } from './receipts/receipts.module';
import { SENDER_EMAIL, SENDER_EMAIL_SCHEMA } from './sender-email-names';
import { createEmailSender } from './sending/email-sender.factory';

// As many as the other pipeline topics; only used when this service is first to create a topic.
const PIPELINE_TOPIC_PARTITIONS = 6;

/** The email sender's root module for one config (runService takes a module class, so it is made here). */
export function createAppModule(config: SenderEmailConfig): Type<unknown> {
  const topics = [
    ...Object.values(EmailChannelTopics.lanes),
    ...Object.values(EmailChannelTopics.retries),
    DeliveryEventTopic,
    EmailReceiptTopic,
  ].map(({ topic }) => ({ topic, partitions: PIPELINE_TOPIC_PARTITIONS }));

  @Module({
    imports: [
      ConfigModule.forRoot(SENDER_EMAIL_CONFIG, config),
      PersistenceModule.forRoot({
        url: config.DATABASE_URL,
        schema: SENDER_EMAIL_SCHEMA,
        entities: [],
        migrations: [
          CreateSenderEmailDeliveries1795595431377,
          IndexSenderEmailProviderMessageId1795700000000,
          MoveSenderEmailDeliveriesToSenderKit1795800000000,
        ],
        poolSize: config.DATABASE_POOL_SIZE,
      }),
      // Provides the payload cipher the messaging module's publisher and consumers seal and open with.
      EncryptionModule.forRoot(config),
      MessagingModule.forRoot({
        kafka: kafkaSettingsFromConfig(config, SENDER_EMAIL),
        topics,
      }),
      ChannelSenderModule.register({
        useFactory: (kafka: Kafka, publisher: EventPublisher, dataSource: DataSource) =>
          createEmailSender(kafka, publisher, (sql, parameters) => dataSource.query(sql, parameters), config),
        inject: [KAFKA, EventPublisher, DataSource],
      }),
      ReceiptsModule,
      // Only public routes here (health): any other is refused.
      ServiceAccessModule.forRoot({ audience: 'sender-email' }),
      HealthModule.register([
        MessagingHealthIndicator,
        DatabaseHealthIndicator,
        ChannelSenderReadiness,
        ReceiptsReadiness,
      ]),
    ],
  })
  class SenderEmailModule {}
  return SenderEmailModule;
}
