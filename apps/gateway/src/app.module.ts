import { Module, type Type } from '@nestjs/common';
import { EmailReceiptTopic, MessageRequestedTopics } from '@switchboard/contracts';
import { EncryptionModule } from '@switchboard/encryption';
import { MessagingHealthIndicator, MessagingModule, kafkaSettingsFromConfig } from '@switchboard/messaging';
import { DatabaseHealthIndicator, PersistenceModule } from '@switchboard/persistence';
import { ConfigModule, HealthModule } from '@switchboard/service-kit';
import { ApiKeysModule } from './api-keys/api-keys.module';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { GATEWAY_CONFIG, type GatewayConfig } from './config';
import { DeadLettersModule } from './dead-letters/dead-letters.module';
import { gatewayDatabaseOptions } from './gateway-database';
import { HousekeepingModule } from './housekeeping/housekeeping.module';
import { InboxTokensModule } from './inbox-tokens/inbox-tokens.module';
import { MessagesModule } from './messages/messages.module';
import { MessageTypesModule } from './message-types/message-types.module';
import { PreferencesModule } from './preferences/preferences.module';
import { ReceiptsModule } from './receipts/receipts.module';
import { RecipientExportModule } from './recipient-export/recipient-export.module';
import { RecipientsModule } from './recipients/recipients.module';
import { RequestLimitsModule } from './request-limits/request-limits.module';
import { SchedulesModule } from './schedules/schedules.module';
import { SendingSettingsModule } from './sending-settings/sending-settings.module';
import { SmsRepliesModule } from './sms-replies/sms-replies.module';
import { SuppressionsModule } from './suppressions/suppressions.module';
import { TemplatesModule } from './templates/templates.module';
import { TriggersModule } from './triggers/triggers.module';
import { PreferencePageModule } from './preference-page/preference-page.module';
import { UnsubscribeModule } from './unsubscribe/unsubscribe.module';

// Only used when the gateway is first to create the topic; an existing topic is left as it is.
const REQUESTED_TOPIC_PARTITIONS = 6;
// As sender-email provisions it: whichever starts first creates the topic.
const RECEIPT_TOPIC_PARTITIONS = 6;

/** The gateway's root module for one config (runService takes a module class, so it is made here). */
export function createAppModule(config: GatewayConfig): Type<unknown> {
  @Module({
    imports: [
      ConfigModule.forRoot(GATEWAY_CONFIG, config),
      PersistenceModule.forRoot(gatewayDatabaseOptions(config.DATABASE_URL)),
      // One key cache for the idempotency records and the addresses and content of the requests
      // it publishes (MessagingModule's publisher seals them with it).
      EncryptionModule.forRoot(config),
      MessagingModule.forRoot({
        kafka: kafkaSettingsFromConfig(config, 'gateway'),
        topics: [
          ...Object.values(MessageRequestedTopics).map(({ topic }) => ({
            topic,
            partitions: REQUESTED_TOPIC_PARTITIONS,
          })),
          { topic: EmailReceiptTopic.topic, partitions: RECEIPT_TOPIC_PARTITIONS },
        ],
      }),
      HealthModule.register([MessagingHealthIndicator, DatabaseHealthIndicator]),
      AuthModule,
      AuditModule,
      RequestLimitsModule,
      ApiKeysModule,
      MessagesModule,
      TemplatesModule,
      TriggersModule,
      SuppressionsModule,
      RecipientsModule,
      RecipientExportModule,
      PreferencesModule,
      SchedulesModule,
      MessageTypesModule,
      SendingSettingsModule,
      InboxTokensModule,
      ReceiptsModule,
      SmsRepliesModule,
      DeadLettersModule,
      HousekeepingModule,
      UnsubscribeModule,
      PreferencePageModule,
    ],
  })
  class GatewayModule {}
  return GatewayModule;
}
