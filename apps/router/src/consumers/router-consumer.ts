import { type MessageAccepted, MessageAcceptedTopics } from '@switchboard/contracts';
import { ConsumerHost, type EventPublisher, PriorityLaneConsumer } from '@switchboard/messaging';
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
export class RouterConsumer extends ConsumerHost {
  constructor(
    kafka: Kafka,
    publisher: EventPublisher,
    routeMessages: RouteMessages,
    settings: RouterConsumerSettings,
  ) {
    super();
    this.host(
      new PriorityLaneConsumer(
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
      ),
    );
  }
}
