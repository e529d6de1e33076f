import { Logger } from '@nestjs/common';
import type { InappDispatch } from '@switchboard/contracts';
import {
  type ConsumedEvent,
  ConsumerHost,
  ConsumerRunner,
  type EventPublisher,
} from '@switchboard/messaging';
import type { Kafka } from 'kafkajs';
import type { InappLane } from './inapp-lanes';
import type { StoreInboxItemsUsecase } from './store-inbox-items.usecase';

export interface InappDispatchConsumersSettings {
  lanes: InappLane[];
  maxAttempts: number;
}

/**
 * One consumer group per priority lane. Each fetched batch is stored in one statement and its
 * 'sent' events published in one request before the runner commits its offsets; a batch that
 * fails is tried again whole (storing is idempotent), then dead-lettered.
 */
export class InappDispatchConsumers extends ConsumerHost {
  private readonly logger = new Logger(InappDispatchConsumers.name);

  constructor(
    kafka: Kafka,
    publisher: EventPublisher,
    private readonly storeItems: StoreInboxItemsUsecase,
    settings: InappDispatchConsumersSettings,
  ) {
    super();
    for (const lane of settings.lanes) {
      this.host(
        new ConsumerRunner(kafka, publisher, {
          groupId: lane.groupId,
          maxAttempts: settings.maxAttempts,
        }).onBatch(lane.topic, (events) => this.store(events)),
      );
    }
  }

  private async store(events: ConsumedEvent<InappDispatch>[]): Promise<void> {
    const results = await this.storeItems.execute(events.map((event) => event.payload));
    results.forEach((result) => {
      if (result.result === 'skipped') {
        const { tenantId, messageId } = result.item;
        this.logger.debug({
          message: 'inbox item already stored',
          tenantId,
          messageId,
          reason: result.reason,
        });
      }
    });
  }
}
