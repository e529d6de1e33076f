import { Module, type Type } from '@nestjs/common';
import { DeliveryEventTopic, InappChannelTopics } from '@switchboard/contracts';
import { EncryptionModule } from '@switchboard/encryption';
import { MessagingHealthIndicator, MessagingModule, kafkaSettingsFromConfig } from '@switchboard/messaging';
import { DatabaseHealthIndicator, PersistenceModule } from '@switchboard/persistence';
import { ConfigModule, HealthModule, ServiceAccessModule } from '@switchboard/service-kit';
import { SENDER_INAPP_CONFIG, type SenderInappConfig } from './config';
import { InboxItemEntity } from './inbox/inbox-item.entity';
import { ConsumerReadiness, InboxModule } from './inbox/inbox.module';
import { CreateSenderInappInbox1795620000000 } from './migrations/1795620000000-create-sender-inapp-inbox';
import { IndexInboxItemsByCreation1796710000000 } from './migrations/1796710000000-index-inbox-items-by-creation';
import { PrivacyModule } from './privacy/privacy.module';
import { RecipientExportModule } from './recipient-export/recipient-export.module';

export const SENDER_INAPP_SCHEMA = 'sender_inapp';
// As many as the other pipeline topics; only used when this service is first to create a topic.
const PIPELINE_TOPIC_PARTITIONS = 6;

/** The in-app sender's root module for one config (runService takes a module class, so it is made here). */
export function createAppModule(config: SenderInappConfig): Type<unknown> {
  const topics = [
    InappChannelTopics.lanes.high,
    InappChannelTopics.lanes.normal,
    InappChannelTopics.lanes.bulk,
    DeliveryEventTopic,
  ].map(({ topic }) => ({ topic, partitions: PIPELINE_TOPIC_PARTITIONS }));

  @Module({
    imports: [
      ConfigModule.forRoot(SENDER_INAPP_CONFIG, config),
      PersistenceModule.forRoot({
        url: config.DATABASE_URL,
        schema: SENDER_INAPP_SCHEMA,
        entities: [InboxItemEntity],
        migrations: [CreateSenderInappInbox1795620000000, IndexInboxItemsByCreation1796710000000],
        poolSize: config.DATABASE_POOL_SIZE,
      }),
      // One key cache for the inbox items and the dispatches consumed (MessagingModule's consumers
      // open them with it).
      EncryptionModule.forRoot(config),
      MessagingModule.forRoot({
        kafka: kafkaSettingsFromConfig(config, 'sender-inapp'),
        topics,
      }),
      // Public: health and the inbox on recipient tokens. Internal: a person's export, for the gateway.
      ServiceAccessModule.forRoot({ audience: 'sender-inapp', secrets: config.SERVICE_TOKEN_SECRETS }),
      HealthModule.register([MessagingHealthIndicator, DatabaseHealthIndicator, ConsumerReadiness]),
      InboxModule,
      RecipientExportModule,
      PrivacyModule,
    ],
  })
  class SenderInappModule {}
  return SenderInappModule;
}
