import { Logger } from '@nestjs/common';
import { DeliveryEventTopic } from '@switchboard/contracts';
import {
  COLLECTING_FETCH,
  ConsumerHost,
  ConsumerRunner,
  ERASURE_TOPICS,
  provisionTopics,
  type EventPublisher,
} from '@switchboard/messaging';
import type { Kafka } from 'kafkajs';
import type { ScrubErasedHistory } from './scrub-erased-history.usecase';

export const ERASED_HISTORY_CONSUMER_GROUP = 'analytics-erased-history';

/**
 * Reads the delivery events in a group of its own and scrubs the history of the messages an
 * `erased` step names; every other event is passed over. The offset is committed after the
 * scrub and its confirmation, so a crash repeats them (harmlessly) rather than skipping them.
 */
export class ErasedHistoryConsumer extends ConsumerHost {
  private readonly logger = new Logger(ErasedHistoryConsumer.name);

  constructor(
    private readonly kafka: Kafka,
    publisher: EventPublisher,
    scrub: ScrubErasedHistory,
    maxAttempts: number,
  ) {
    super();
    const runner = new ConsumerRunner(kafka, publisher, {
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
    this.host(runner);
  }

  // Its confirmations may be the first record of their topic.
  protected override async beforeStart(): Promise<void> {
    await provisionTopics(this.kafka, ERASURE_TOPICS);
  }
}
