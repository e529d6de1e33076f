import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { type MessageAccepted, MessageAcceptedTopics } from '@switchboard/contracts';
import { type EventPublisher, PriorityLaneConsumer } from '@switchboard/messaging';
import type { ReadinessCheck } from '@switchboard/service-kit';
import type { Kafka } from 'kafkajs';
import type { RouteMessages } from '../routing/route-messages.usecase';

export interface RouterConsumerSettings {
  partitionsConsumedConcurrently: number;
  maxAttempts: number;
}

export const ROUTER_CONSUMER_GROUP = 'router';

/**
 * Routes accepted messages a fetched batch at a time: one suppression query, one decision write.
 * The high lane has a group of its own ('router.high'), so a bulk backlog never holds it up.
 */
export class RouterConsumer implements OnApplicationBootstrap, OnApplicationShutdown, ReadinessCheck {
  readonly name = 'consumer';
  private readonly runner: PriorityLaneConsumer<(typeof MessageAcceptedTopics)['normal']['topic']>;

  constructor(
    kafka: Kafka,
    publisher: EventPublisher,
    routeMessages: RouteMessages,
    settings: RouterConsumerSettings,
  ) {
    this.runner = new PriorityLaneConsumer(
      kafka,
      publisher,
      {
        groupId: ROUTER_CONSUMER_GROUP,
        maxAttempts: settings.maxAttempts,
        partitionsConsumedConcurrently: settings.partitionsConsumedConcurrently,
      },
      MessageAcceptedTopics,
      async (events) => {
        // The runner has validated each payload against its lane's schema.
        await routeMessages.execute(events.map((event) => event.payload as MessageAccepted));
      },
    );
  }

  onApplicationBootstrap(): Promise<void> {
    return this.runner.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.runner.stop();
  }

  async isReady(): Promise<boolean> {
    return this.runner.isHealthy();
  }
}
