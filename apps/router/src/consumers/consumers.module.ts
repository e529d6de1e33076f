import { Global, Module } from '@nestjs/common';
import { consumerReadiness, EventPublisher, KAFKA } from '@switchboard/messaging';
import type { Kafka } from 'kafkajs';
import { ROUTER_CONFIG, type RouterConfig } from '../config';
import { RecipientStore } from '../recipients/recipient';
import { RemoveGoneSubscriptions } from '../recipients/remove-gone-subscriptions.usecase';
import { DecisionStore } from '../routing/decision-store';
import { RerouteFailedChannels } from '../routing/reroute-failed-channels.usecase';
import { RouteMessages } from '../routing/route-messages.usecase';
import { RoutingModule } from '../routing/routing.module';
import { SuppressionStore } from '../suppressions/suppression';
import { SuppressionsModule } from '../suppressions/suppressions.module';
import { SuppressUndeliverableAddresses } from '../suppressions/suppress-undeliverable-addresses.usecase';
import { DeliveryFeedbackConsumer } from './delivery-feedback-consumer';
import { RouterConsumer } from './router-consumer';

/** Ready while both consumers are in their groups. */
export const ConsumerReadiness = consumerReadiness('consumer', RouterConsumer, DeliveryFeedbackConsumer);

// Global so that the health module can see the consumer for its readiness check.
@Global()
@Module({
  imports: [RoutingModule, SuppressionsModule],
  providers: [
    {
      provide: RouterConsumer,
      useFactory: (
        kafka: Kafka,
        publisher: EventPublisher,
        routeMessages: RouteMessages,
        config: RouterConfig,
      ) =>
        new RouterConsumer(kafka, publisher, routeMessages, {
          partitionsConsumedConcurrently: config.ROUTER_CONSUMER_CONCURRENCY,
          maxAttempts: config.ROUTER_MAX_ATTEMPTS,
        }),
      inject: [KAFKA, EventPublisher, RouteMessages, ROUTER_CONFIG],
    },
    {
      provide: DeliveryFeedbackConsumer,
      // RecipientStore comes from the global RecipientsModule.
      useFactory: (
        kafka: Kafka,
        publisher: EventPublisher,
        store: SuppressionStore,
        recipients: RecipientStore,
        decisions: DecisionStore,
        config: RouterConfig,
      ) =>
        new DeliveryFeedbackConsumer(
          kafka,
          publisher,
          new SuppressUndeliverableAddresses(store, decisions),
          new RemoveGoneSubscriptions(recipients),
          new RerouteFailedChannels(decisions, publisher),
          { maxAttempts: config.ROUTER_MAX_ATTEMPTS },
        ),
      inject: [KAFKA, EventPublisher, SuppressionStore, RecipientStore, DecisionStore, ROUTER_CONFIG],
    },
  ],
  exports: [RouterConsumer, DeliveryFeedbackConsumer],
})
export class ConsumersModule {}
