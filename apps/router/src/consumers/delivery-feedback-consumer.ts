import { Logger } from '@nestjs/common';
import { DeliveryEventTopic } from '@switchboard/contracts';
import { COLLECTING_FETCH, ConsumerHost, ConsumerRunner, type EventPublisher } from '@switchboard/messaging';
import type { Kafka } from 'kafkajs';
import type { RemoveGoneSubscriptions } from '../recipients/remove-gone-subscriptions.usecase';
import type { RerouteFailedChannels } from '../routing/reroute-failed-channels.usecase';
import type { SuppressUndeliverableAddresses } from '../suppressions/suppress-undeliverable-addresses.usecase';

export const DELIVERY_FEEDBACK_CONSUMER_GROUP = 'router-delivery-feedback';

export interface DeliveryFeedbackConsumerSettings {
  maxAttempts: number;
}

/**
 * Reads the delivery events in a group of its own and suppresses the addresses that bounced for
 * good or complained (found from the messages' routing decisions), one bulk insert per fetched batch, removes the push subscriptions
 * sender-push reported gone, one bulk delete per batch, and moves messages whose channel failed
 * to their next channel; every other event is passed over.
 */
export class DeliveryFeedbackConsumer extends ConsumerHost {
  private readonly logger = new Logger(DeliveryFeedbackConsumer.name);

  constructor(
    kafka: Kafka,
    publisher: EventPublisher,
    suppressAddresses: SuppressUndeliverableAddresses,
    removeGoneSubscriptions: RemoveGoneSubscriptions,
    rerouteFailedChannels: RerouteFailedChannels,
    settings: DeliveryFeedbackConsumerSettings,
  ) {
    super();
    const runner = new ConsumerRunner(kafka, publisher, {
      groupId: DELIVERY_FEEDBACK_CONSUMER_GROUP,
      maxAttempts: settings.maxAttempts,
      // Most delivery events are passed over; a reroute or suppression 250 ms later is no loss.
      ...COLLECTING_FETCH,
    }).onBatch(DeliveryEventTopic.topic, async (events) => {
      const payloads = events.map((event) => event.payload);
      const rerouted = await rerouteFailedChannels.execute(payloads);
      if (rerouted > 0) this.logger.log({ message: 'messages rerouted to their next channel', rerouted });
      const { suppressed, unmatched } = await suppressAddresses.execute(payloads);
      if (suppressed > 0)
        this.logger.log({ message: 'addresses suppressed after bounces or complaints', created: suppressed });
      for (const feedback of unmatched) {
        // Past retention or erased: the address is gone with the decision, and nothing is suppressed.
        this.logger.warn({
          message: `${feedback.type} event of a message without a routing decision; nothing suppressed`,
          tenantId: feedback.tenantId,
          messageId: feedback.messageId,
        });
      }
      const removed = await removeGoneSubscriptions.execute(payloads);
      if (removed > 0) this.logger.log({ message: 'push subscriptions removed as gone', removed });
    });
    this.host(runner);
  }
}
