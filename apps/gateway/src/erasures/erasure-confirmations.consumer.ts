import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { RecipientErasureConfirmedTopic } from '@switchboard/contracts';
import {
  COLLECTING_FETCH,
  ConsumerRunner,
  ERASURE_TOPICS,
  provisionTopics,
  type EventPublisher,
} from '@switchboard/messaging';
import type { Kafka } from 'kafkajs';
import type { ErasureRepository } from './erasure.repository';

export const ERASURE_CONFIRMATIONS_CONSUMER_GROUP = 'gateway-erasure-confirmations';

/** Records what each service confirmed of an erasure, one pair of bulk inserts per fetched batch. */
export class ErasureConfirmationsConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly runner: ConsumerRunner;

  constructor(
    private readonly kafka: Kafka,
    publisher: EventPublisher,
    store: ErasureRepository,
    maxAttempts: number,
  ) {
    this.runner = new ConsumerRunner(kafka, publisher, {
      groupId: ERASURE_CONFIRMATIONS_CONSUMER_GROUP,
      maxAttempts,
      ...COLLECTING_FETCH,
    }).onBatch(RecipientErasureConfirmedTopic.topic, async (events) => {
      await store.recordConfirmations(events.map((event) => event.payload));
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    // The gateway publishes the requests: their topic must exist before the first erasure.
    await provisionTopics(this.kafka, ERASURE_TOPICS);
    await this.runner.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.runner.stop();
  }
}
