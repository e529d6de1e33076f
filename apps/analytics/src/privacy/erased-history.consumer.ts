import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DeliveryEventTopic } from '@switchboard/contracts';
import { COLLECTING_FETCH, ConsumerRunner, type EventPublisher } from '@switchboard/messaging';
import type { Kafka } from 'kafkajs';
import type { ScrubErasedHistory } from './scrub-erased-history.usecase';

export const ERASED_HISTORY_CONSUMER_GROUP = 'analytics-erased-history';

/**
 * Reads the delivery events in a group of its own and scrubs the history of the messages an
 * `erased` step names; every other event is passed over. The offset is committed after the
 * scrub and its confirmation, so a crash repeats them (harmlessly) rather than skipping them.
 */
export class ErasedHistoryConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ErasedHistoryConsumer.name);
  private readonly runner: ConsumerRunner;

  constructor(kafka: Kafka, publisher: EventPublisher, scrub: ScrubErasedHistory, maxAttempts: number) {
    this.runner = new ConsumerRunner(kafka, publisher, {
      groupId: ERASED_HISTORY_CONSUMER_GROUP,
      maxAttempts,
      ...COLLECTING_FETCH,
    }).onBatch(DeliveryEventTopic.topic, async (events) => {
      const scrubbed = await scrub.execute(events.map((event) => event.payload));
      for (const erasure of scrubbed) {
        this.logger.log({
          message: 'history of erased messages scrubbed',
          tenantId: erasure.tenantId,
          erasureId: erasure.erasureId,
          messages: erasure.messageIds.length,
          rows: erasure.rows,
        });
      }
    });
  }

  onApplicationBootstrap(): Promise<void> {
    return this.runner.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.runner.stop();
  }
}
