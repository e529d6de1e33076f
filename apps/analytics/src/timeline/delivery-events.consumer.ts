import { DeliveryEventTopic } from '@switchboard/contracts';
import { COLLECTING_FETCH, ConsumerHost, ConsumerRunner, type EventPublisher } from '@switchboard/messaging';
import type { Kafka } from 'kafkajs';
import type { RecordDeliveryEventsUsecase } from './record-delivery-events.usecase';

export interface DeliveryEventsConsumerSettings {
  partitionsConsumedConcurrently: number;
  maxAttempts: number;
}

export const ANALYTICS_CONSUMER_GROUP = 'analytics';

/** Stores delivery events a fetched batch at a time, in one statement per batch. */
export class DeliveryEventsConsumer extends ConsumerHost {
  constructor(
    kafka: Kafka,
    publisher: EventPublisher,
    recordDeliveryEvents: RecordDeliveryEventsUsecase,
    settings: DeliveryEventsConsumerSettings,
  ) {
    super();
    this.host(
      new ConsumerRunner(kafka, publisher, {
        groupId: ANALYTICS_CONSUMER_GROUP,
        maxAttempts: settings.maxAttempts,
        partitionsConsumedConcurrently: settings.partitionsConsumedConcurrently,
        // Bigger batches mean fewer statements per event; nobody waits on a timeline for 250 ms.
        ...COLLECTING_FETCH,
      }).onBatch(DeliveryEventTopic.topic, (events) =>
        // A batch holds one partition's events.
        recordDeliveryEvents.execute(
          events.map((event) => event.payload),
          events.length > 0 ? events[0].partition : 0,
        ),
      ),
    );
  }
}
