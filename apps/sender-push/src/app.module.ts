import { Module, type Type } from '@nestjs/common';
import { DeliveryEventTopic, PushChannelTopics } from '@switchboard/contracts';
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
import type { SenderPushConfig } from './config';
import { CreateSenderPushDeliveries1795605126000 } from './migrations/1795605126000-create-sender-push-deliveries';
import { createPushSender, SENDER_PUSH_SCHEMA } from './sending/push-sender';

// As many as the other pipeline topics; only used when this service is first to create a topic.
const PIPELINE_TOPIC_PARTITIONS = 6;

/** The push sender's root module for one config (runService takes a module class, so it is made here). */
export function createAppModule(config: SenderPushConfig): Type<unknown> {
  const topics = [
    ...Object.values(PushChannelTopics.lanes),
    ...Object.values(PushChannelTopics.retries),
    DeliveryEventTopic,
  ].map(({ topic }) => ({ topic, partitions: PIPELINE_TOPIC_PARTITIONS }));

  @Module({
    imports: [
      PersistenceModule.forRoot({
        url: config.DATABASE_URL,
        schema: SENDER_PUSH_SCHEMA,
        entities: [],
        migrations: [CreateSenderPushDeliveries1795605126000],
        poolSize: config.DATABASE_POOL_SIZE,
      }),
      // Provides the payload cipher the messaging module's publisher and consumers seal and open with.
      EncryptionModule.forRoot(config),
      MessagingModule.forRoot({
        kafka: kafkaSettingsFromConfig(config, 'sender-push'),
        topics,
      }),
      ChannelSenderModule.register({
        // The module holds senders of any dispatch type (ChannelSender<T> is invariant in T).
        useFactory: (kafka: Kafka, publisher: EventPublisher, dataSource: DataSource) =>
          createPushSender(
            kafka,
            publisher,
            (sql, parameters) => dataSource.query(sql, parameters),
            config,
          ) as never,
        inject: [KAFKA, EventPublisher, DataSource],
      }),
      // Only public routes here (health): any other is refused.
      ServiceAccessModule.forRoot({ audience: 'sender-push' }),
      HealthModule.register([MessagingHealthIndicator, DatabaseHealthIndicator, ChannelSenderReadiness]),
    ],
  })
  class SenderPushModule {}
  return SenderPushModule;
}
