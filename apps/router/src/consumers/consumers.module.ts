import { Global, Inject, Injectable, Module } from '@nestjs/common';
import { EventPublisher, KAFKA } from '@switchboard/messaging';
import type { ReadinessCheck } from '@switchboard/service-kit';
import type { Kafka } from 'kafkajs';
import type { RouterConfig } from '../config';
import { ROUTER_CONFIG } from '../router-config.module';
import { RouteMessages } from '../routing/route-messages.usecase';
import { RoutingModule } from '../routing/routing.module';
import { RouterConsumer } from './router-consumer';

/** Ready while the consumer is in its group; a consumer kafkajs gave up on takes the replica out. */
@Injectable()
export class ConsumerReadiness implements ReadinessCheck {
  readonly name = 'consumer';

  constructor(@Inject(RouterConsumer) private readonly consumer: RouterConsumer) {}

  isReady(): Promise<boolean> {
    return this.consumer.isReady();
  }
}

// Global so that the health module can see the consumer for its readiness check.
@Global()
@Module({
  imports: [RoutingModule],
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
  ],
  exports: [RouterConsumer],
})
export class ConsumersModule {}
