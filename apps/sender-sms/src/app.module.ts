import { Module, type Type } from '@nestjs/common';
import { DeliveryEventTopic, SmsChannelTopics } from '@switchboard/contracts';
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
import { HealthModule, ServiceAccessModule } from '@switchboard/service-kit';
import type { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import type { SenderSmsConfig } from './config';
import { CreateSenderSmsDeliveries1795600000000 } from './migrations/1795600000000-create-sender-sms-deliveries';
import { createSmsSender, SENDER_SMS_SCHEMA } from './sending/sms-sender.factory';

// As many as the other pipeline topics; only used when this service is first to create a topic.
const PIPELINE_TOPIC_PARTITIONS = 6;

/** The SMS sender's root module for one config (runService takes a module class, so it is made here). */
export function createAppModule(config: SenderSmsConfig): Type<unknown> {
  const topics = [
    ...Object.values(SmsChannelTopics.lanes),
    ...Object.values(SmsChannelTopics.retries),
    DeliveryEventTopic,
  ].map(({ topic }) => ({ topic, partitions: PIPELINE_TOPIC_PARTITIONS }));

  @Module({
    imports: [
      PersistenceModule.forRoot({
        url: config.DATABASE_URL,
        schema: SENDER_SMS_SCHEMA,
        entities: [],
        migrations: [CreateSenderSmsDeliveries1795600000000],
        poolSize: config.DATABASE_POOL_SIZE,
      }),
      // Provides the payload cipher the messaging module's publisher and consumers seal and open with.
      EncryptionModule.forRoot(config),
      MessagingModule.forRoot({
        kafka: kafkaSettingsFromConfig(config, 'sender-sms'),
        topics,
      }),
      ChannelSenderModule.register({
        useFactory: (kafka: Kafka, publisher: EventPublisher, dataSource: DataSource) =>
          createSmsSender(kafka, publisher, dataSource, config),
        inject: [KAFKA, EventPublisher, DataSource],
      }),
      // Only public routes here (health): any other is refused.
      ServiceAccessModule.forRoot({ audience: 'sender-sms' }),
      HealthModule.register([MessagingHealthIndicator, DatabaseHealthIndicator, ChannelSenderReadiness]),
    ],
  })
  class SenderSmsModule {}
  return SenderSmsModule;
}
