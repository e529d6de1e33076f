import { Module, type Type } from '@nestjs/common';
import { DeliveryEventTopic, EmailDispatchTopics, EmailReceiptTopic } from '@switchboard/contracts';
import { MessagingHealthIndicator, MessagingModule } from '@switchboard/messaging';
import { DatabaseHealthIndicator, PersistenceModule } from '@switchboard/persistence';
import { HealthModule } from '@switchboard/service-kit';
import type { SenderEmailConfig } from './config';
import { DeliveryEntity } from './deliveries/delivery.entity';
import { CreateSenderEmailDeliveries1795595431377 } from './migrations/1795595431377-create-sender-email-deliveries';
import { IndexSenderEmailProviderMessageId1795700000000 } from './migrations/1795700000000-index-sender-email-provider-message-id';
import { ReceiptsModule } from './receipts/receipts.module';
import { SenderEmailConfigModule } from './sender-email-config.module';
import { ConsumerReadiness, SendingModule } from './sending/sending.module';

export const SENDER_EMAIL_SCHEMA = 'sender_email';
// As many as the other pipeline topics; only used when this service is first to create a topic.
const PIPELINE_TOPIC_PARTITIONS = 6;

/** The email sender's root module for one config (runService takes a module class, so it is made here). */
export function createAppModule(config: SenderEmailConfig): Type<unknown> {
  const topics = [
    EmailDispatchTopics.high,
    EmailDispatchTopics.normal,
    EmailDispatchTopics.bulk,
    DeliveryEventTopic,
    EmailReceiptTopic,
  ].map(({ topic }) => ({ topic, partitions: PIPELINE_TOPIC_PARTITIONS }));

  @Module({
    imports: [
      SenderEmailConfigModule.forRoot(config),
      PersistenceModule.forRoot({
        url: config.DATABASE_URL,
        schema: SENDER_EMAIL_SCHEMA,
        entities: [DeliveryEntity],
        migrations: [
          CreateSenderEmailDeliveries1795595431377,
          IndexSenderEmailProviderMessageId1795700000000,
        ],
        poolSize: config.DATABASE_POOL_SIZE,
      }),
      MessagingModule.forRoot({ kafka: { brokers: config.KAFKA_BROKERS, clientId: 'sender-email' }, topics }),
      HealthModule.register([MessagingHealthIndicator, DatabaseHealthIndicator, ConsumerReadiness]),
      SendingModule,
      ReceiptsModule,
    ],
  })
  class SenderEmailModule {}
  return SenderEmailModule;
}
