import { Module, type Type } from '@nestjs/common';
import { DeliveryEventTopic, MessageAcceptedTopics, MessageRequestedTopics } from '@switchboard/contracts';
import { EncryptionModule } from '@switchboard/encryption';
import { MessagingHealthIndicator, MessagingModule, kafkaSettingsFromConfig } from '@switchboard/messaging';
import { DatabaseHealthIndicator, PersistenceModule } from '@switchboard/persistence';
import { ConfigModule, HealthModule, ServiceAccessModule } from '@switchboard/service-kit';
import { INGEST_CONFIG, type IngestConfig } from './config';
import { ConsumerReadiness, ConsumersModule } from './consumers/consumers.module';
import { MessageEntity } from './messages/message.entity';
import { MessagesModule } from './messages/messages.module';
import { CreateIngestMessagesAndTriggers1795595937123 } from './migrations/1795595937123-create-ingest-messages-and-triggers';
import { AddMessageChannels1795800000000 } from './migrations/1795800000000-add-message-channels';
import { AddMessageTypeAndDedupKey1796000000000 } from './migrations/1796000000000-add-message-type-and-dedup-key';
import { AddTriggerMessageType1796200000000 } from './migrations/1796200000000-add-trigger-message-type';
import { IndexMessagesByRecipient1796700000000 } from './migrations/1796700000000-index-messages-by-recipient';
import { IndexMessagesByAcceptance1796710000000 } from './migrations/1796710000000-index-messages-by-acceptance';
import { IndexPlaintextMessages1796720000000 } from './migrations/1796720000000-index-plaintext-messages';
import { PrivacyModule } from './privacy/privacy.module';
import { RecipientExportModule } from './recipient-export/recipient-export.module';
import { TriggerEntity } from './triggers/trigger.entity';
import { TriggersModule } from './triggers/triggers.module';

export const INGEST_SCHEMA = 'ingest';
// As many as the gateway gives the requested topic, so every stage can spread over as many replicas.
const PIPELINE_TOPIC_PARTITIONS = 6;

/** Ingest's root module for one config (runService takes a module class, so it is made here). */
export function createAppModule(config: IngestConfig): Type<unknown> {
  const upstreamTopics = [...(config.INGEST_UPSTREAM_TOPICS?.keys() ?? [])].map((topic) => ({
    topic,
    partitions: config.INGEST_UPSTREAM_TOPIC_PARTITIONS,
  }));

  @Module({
    imports: [
      ConfigModule.forRoot(INGEST_CONFIG, config),
      PersistenceModule.forRoot({
        url: config.DATABASE_URL,
        schema: INGEST_SCHEMA,
        entities: [MessageEntity, TriggerEntity],
        migrations: [
          CreateIngestMessagesAndTriggers1795595937123,
          AddMessageChannels1795800000000,
          AddMessageTypeAndDedupKey1796000000000,
          AddTriggerMessageType1796200000000,
          IndexMessagesByRecipient1796700000000,
          IndexMessagesByAcceptance1796710000000,
          IndexPlaintextMessages1796720000000,
        ],
      }),
      // One Encryption for ingest's messages table and its Kafka payloads (the publisher picks it up).
      EncryptionModule.forRoot(config),
      MessagingModule.forRoot({
        kafka: kafkaSettingsFromConfig(config, 'ingest'),
        topics: [
          ...[
            ...Object.values(MessageRequestedTopics),
            ...Object.values(MessageAcceptedTopics),
            DeliveryEventTopic,
          ].map(({ topic }) => ({
            topic,
            partitions: PIPELINE_TOPIC_PARTITIONS,
          })),
          ...upstreamTopics,
        ],
      }),
      ServiceAccessModule.forRoot({ audience: 'ingest', secrets: config.SERVICE_TOKEN_SECRETS }),
      HealthModule.register([MessagingHealthIndicator, DatabaseHealthIndicator, ConsumerReadiness]),
      TriggersModule,
      MessagesModule,
      RecipientExportModule,
      PrivacyModule,
      ConsumersModule,
    ],
  })
  class IngestModule {}
  return IngestModule;
}
