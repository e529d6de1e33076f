import { Module, type Type } from '@nestjs/common';
import {
  DeliveryEventTopic,
  MessageAcceptedTopics,
  MessageRequestedTopics,
  RenderRequestedTopics,
} from '@switchboard/contracts';
import { EncryptionModule } from '@switchboard/encryption';
import { MessagingHealthIndicator, MessagingModule, kafkaSettingsFromConfig } from '@switchboard/messaging';
import { DatabaseHealthIndicator, PersistenceModule } from '@switchboard/persistence';
import { ConfigModule, HealthModule, ServiceAccessModule } from '@switchboard/service-kit';
import { ROUTER_CONFIG, type RouterConfig } from './config';
import { CancellationEntity } from './cancellations/cancellation.entity';
import { CancellationsModule } from './cancellations/cancellations.module';
import { ConsumerReadiness, ConsumersModule } from './consumers/consumers.module';
import { CreateRouterDecisionsSuppressionsSchedules1795595937123 } from './migrations/1795595937123-create-router-decisions-suppressions-schedules';
import { CreateRecipientsPushSubscriptions1795700000000 } from './migrations/1795700000000-create-recipients-push-subscriptions';
import { AddDecisionChannelsAndReroutes1795800000000 } from './migrations/1795800000000-add-decision-channels-and-reroutes';
import { AddPolicyLedger1796100000000 } from './migrations/1796100000000-add-policy-ledger';
import { CreateMessageTypesAndSendingSettings1796200000000 } from './migrations/1796200000000-create-message-types-and-sending-settings';
import { MessageTypeEntity } from './message-types/message-type.entity';
import { AddSuppressionCategoryAndSource1796400000000 } from './migrations/1796400000000-add-suppression-category-and-source';
import { CreateRecipientPreferences1796300000000 } from './migrations/1796300000000-create-recipient-preferences';
import { PreferenceEntity } from './preferences/preference.entity';
import { PreferencesModule } from './preferences/preferences.module';
import { AddCancellationsAndRecurringSchedules1796500000000 } from './migrations/1796500000000-add-cancellations-and-recurring-schedules';
import { AddRecipientAttributes1796600000000 } from './migrations/1796600000000-add-recipient-attributes';
import { AddPushSubscriptionEndpointIndex1796720000000 } from './migrations/1796720000000-add-push-subscription-endpoint-index';
import { CreateErasedSuppressions1796710000000 } from './migrations/1796710000000-create-erased-suppressions';
import { IndexDecisionsByTime1796730000000 } from './migrations/1796730000000-index-decisions-by-time';
import { AddSuppressionAddressIndex1796740000000 } from './migrations/1796740000000-add-suppression-address-index';
import { AddDecisionRecipientId1796750000000 } from './migrations/1796750000000-add-decision-recipient-id';
import { IndexPlaintextRoutingRows1796760000000 } from './migrations/1796760000000-index-plaintext-routing-rows';
import { PrivacyModule } from './privacy/privacy.module';
import { PushSubscriptionEntity } from './recipients/push-subscription.entity';
import { RecipientEntity } from './recipients/recipient.entity';
import { RecipientExportModule } from './recipient-export/recipient-export.module';
import { RecipientsModule, type RecipientsOptions } from './recipients/recipients.module';
import { RecurringScheduleEntity } from './recurring-schedules/recurring-schedule.entity';
import { RecurringSchedulesModule } from './recurring-schedules/recurring-schedules.module';
import { DecisionEntity } from './routing/decision.entity';
import { RoutingModule } from './routing/routing.module';
import { ScheduleEntity } from './schedules/schedule.entity';
import { SchedulesModule } from './schedules/schedules.module';
import { SuppressionEntity } from './suppressions/suppression.entity';
import { SuppressionsModule } from './suppressions/suppressions.module';
import { SendingSettingsEntity } from './sending-settings/sending-settings.entity';
import { SendingPolicyModule } from './sending-settings/sending-policy.module';

export const ROUTER_SCHEMA = 'router';
// As many as the gateway gives the requested topic, so every stage can spread over as many replicas.
const PIPELINE_TOPIC_PARTITIONS = 6;

/** What tests replace of the router's surroundings. */
export type RouterOptions = RecipientsOptions;

/** The router's root module for one config (runService takes a module class, so it is made here). */
export function createAppModule(config: RouterConfig, options: RouterOptions = {}): Type<unknown> {
  @Module({
    imports: [
      ConfigModule.forRoot(ROUTER_CONFIG, config),
      PersistenceModule.forRoot({
        url: config.DATABASE_URL,
        schema: ROUTER_SCHEMA,
        entities: [
          DecisionEntity,
          SuppressionEntity,
          ScheduleEntity,
          RecipientEntity,
          PushSubscriptionEntity,
          CancellationEntity,
          RecurringScheduleEntity,
          MessageTypeEntity,
          SendingSettingsEntity,
          PreferenceEntity,
        ],
        migrations: [
          CreateRouterDecisionsSuppressionsSchedules1795595937123,
          CreateRecipientsPushSubscriptions1795700000000,
          AddDecisionChannelsAndReroutes1795800000000,
          AddPolicyLedger1796100000000,
          CreateMessageTypesAndSendingSettings1796200000000,
          CreateRecipientPreferences1796300000000,
          AddSuppressionCategoryAndSource1796400000000,
          AddCancellationsAndRecurringSchedules1796500000000,
          AddRecipientAttributes1796600000000,
          CreateErasedSuppressions1796710000000,
          AddPushSubscriptionEndpointIndex1796720000000,
          IndexDecisionsByTime1796730000000,
          AddSuppressionAddressIndex1796740000000,
          AddDecisionRecipientId1796750000000,
          IndexPlaintextRoutingRows1796760000000,
        ],
      }),
      // One Encryption for the router's tables and its Kafka payloads (the publisher picks it up).
      EncryptionModule.forRoot(config),
      MessagingModule.forRoot({
        kafka: kafkaSettingsFromConfig(config, 'router'),
        // Recurring schedules publish their runs as requests, on every lane, as the gateway does.
        topics: [
          ...Object.values(MessageAcceptedTopics),
          ...Object.values(RenderRequestedTopics),
          DeliveryEventTopic,
          ...Object.values(MessageRequestedTopics),
        ].map(({ topic }) => ({ topic, partitions: PIPELINE_TOPIC_PARTITIONS })),
      }),
      ServiceAccessModule.forRoot({ audience: 'router', secrets: config.SERVICE_TOKEN_SECRETS }),
      HealthModule.register([MessagingHealthIndicator, DatabaseHealthIndicator, ConsumerReadiness]),
      SuppressionsModule,
      RecipientsModule.forRoot(options),
      RecipientExportModule,
      PrivacyModule,
      PreferencesModule,
      SendingPolicyModule,
      RoutingModule,
      SchedulesModule,
      CancellationsModule,
      RecurringSchedulesModule,
      ConsumersModule,
    ],
  })
  class RouterModule {}
  return RouterModule;
}
