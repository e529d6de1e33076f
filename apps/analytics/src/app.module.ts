import { EncryptionModule } from '@switchboard/encryption';
import { Module, type Type } from '@nestjs/common';
import { DeliveryEventTopic } from '@switchboard/contracts';
import { MessagingHealthIndicator, MessagingModule, kafkaSettingsFromConfig } from '@switchboard/messaging';
import { DatabaseHealthIndicator, PersistenceModule } from '@switchboard/persistence';
import { ConfigModule, HealthModule, ServiceAccessModule } from '@switchboard/service-kit';
import { ANALYTICS_CONFIG, type AnalyticsConfig } from './config';
import { DeadLetterEntity } from './dead-letters/dead-letter.entity';
import { DeadLettersConsumerReadiness, DeadLettersModule } from './dead-letters/dead-letters.module';
import { CreateAnalyticsTimeline1795595431377 } from './migrations/1795595431377-create-analytics-timeline';
import { CreateDeadLetters1795690000000 } from './migrations/1795690000000-create-dead-letters';
import { CreateDeliveryMetrics1795800000000 } from './migrations/1795800000000-create-delivery-metrics';
import { IndexDeadLettersByTime1795912000000 } from './migrations/1795912000000-index-dead-letters-by-time';
import { AddDeliveryEventRule1796100000000 } from './migrations/1796100000000-add-delivery-event-rule';
import { IndexHistoryByTime1796710000000 } from './migrations/1796710000000-index-history-by-time';
import { IndexDeadLettersByMessage1796720000000 } from './migrations/1796720000000-index-dead-letters-by-message';
import { PrivacyModule } from './privacy/privacy.module';
import { DeliveryEventCountEntity } from './metrics/delivery-event-count.entity';
import { MessageStatusCountEntity } from './metrics/message-status-count.entity';
import { MetricsModule } from './metrics/metrics.module';
import { ProviderCircuitEntity } from './metrics/provider-circuit.entity';
import { DeliveryEventEntity } from './timeline/delivery-event.entity';
import { MessageStatusEntity } from './timeline/message-status.entity';
import { RecipientExportModule } from './recipient-export/recipient-export.module';
import { ConsumerReadiness, TimelineModule } from './timeline/timeline.module';

export const ANALYTICS_SCHEMA = 'analytics';
// As many as the other pipeline topics; only used when this service is first to create a topic.
const PIPELINE_TOPIC_PARTITIONS = 6;

/** The analytics service's root module for one config (runService takes a module class, so it is made here). */
export function createAppModule(config: AnalyticsConfig): Type<unknown> {
  @Module({
    imports: [
      ConfigModule.forRoot(ANALYTICS_CONFIG, config),
      PersistenceModule.forRoot({
        url: config.DATABASE_URL,
        schema: ANALYTICS_SCHEMA,
        entities: [
          DeliveryEventEntity,
          MessageStatusEntity,
          DeadLetterEntity,
          DeliveryEventCountEntity,
          MessageStatusCountEntity,
          ProviderCircuitEntity,
        ],
        migrations: [
          CreateAnalyticsTimeline1795595431377,
          CreateDeadLetters1795690000000,
          CreateDeliveryMetrics1795800000000,
          IndexDeadLettersByTime1795912000000,
          AddDeliveryEventRule1796100000000,
          IndexHistoryByTime1796710000000,
          IndexDeadLettersByMessage1796720000000,
        ],
        poolSize: config.DATABASE_POOL_SIZE,
      }),
      EncryptionModule.forRoot(config),
      MessagingModule.forRoot({
        kafka: kafkaSettingsFromConfig(config, 'analytics'),
        topics: [{ topic: DeliveryEventTopic.topic, partitions: PIPELINE_TOPIC_PARTITIONS }],
      }),
      ServiceAccessModule.forRoot({ audience: 'analytics', secrets: config.SERVICE_TOKEN_SECRETS }),
      HealthModule.register([
        MessagingHealthIndicator,
        DatabaseHealthIndicator,
        ConsumerReadiness,
        DeadLettersConsumerReadiness,
      ]),
      TimelineModule,
      RecipientExportModule,
      PrivacyModule,
      DeadLettersModule,
      MetricsModule,
    ],
  })
  class AnalyticsModule {}
  return AnalyticsModule;
}
