import { RecipientErasureConfirmedTopic } from '@switchboard/contracts';
import {
  COLLECTING_FETCH,
  ConsumerHost,
  ConsumerRunner,
  ERASURE_TOPICS,
  provisionTopics,
  type EventPublisher,
} from '@switchboard/messaging';
import type { Kafka } from 'kafkajs';
import type { ErasureRepository } from './erasure.repository';

export const ERASURE_CONFIRMATIONS_CONSUMER_GROUP = 'gateway-erasure-confirmations';

/** Records what each service confirmed of an erasure, one pair of bulk inserts per fetched batch. */
export class ErasureConfirmationsConsumer extends ConsumerHost {
  constructor(
    private readonly kafka: Kafka,
    publisher: EventPublisher,
    store: ErasureRepository,
    maxAttempts: number,
  ) {
    super();
    this.host(
      new ConsumerRunner(kafka, publisher, {
        groupId: ERASURE_CONFIRMATIONS_CONSUMER_GROUP,
        maxAttempts,
        ...COLLECTING_FETCH,
      }).onBatch(RecipientErasureConfirmedTopic.topic, async (events) => {
        await store.recordConfirmations(events.map((event) => event.payload));
      }),
    );
  }

  // The gateway publishes the requests: their topic must exist before the first erasure.
  protected override async beforeStart(): Promise<void> {
    await provisionTopics(this.kafka, ERASURE_TOPICS);
  }
}
