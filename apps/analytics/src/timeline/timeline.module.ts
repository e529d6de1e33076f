import { Global, Module } from '@nestjs/common';
import { consumerReadiness, EventPublisher, KAFKA } from '@switchboard/messaging';
import type { Kafka } from 'kafkajs';
import { ANALYTICS_CONFIG, type AnalyticsConfig } from '../config';
import { DeliveryEventsConsumer } from './delivery-events.consumer';
import { GetMessageStatusUsecase } from './get-message-status.usecase';
import { MessagesController } from './messages.controller';
import { RecordDeliveryEventsUsecase } from './record-delivery-events.usecase';
import { TimelineRepository } from './timeline.repository';

/** Ready while the delivery events consumer is in its group. */
export const ConsumerReadiness = consumerReadiness('consumer', DeliveryEventsConsumer);

// Global so that the health module can see the consumer for its readiness check.
@Global()
@Module({
  controllers: [MessagesController],
  providers: [
    TimelineRepository,
    {
      provide: RecordDeliveryEventsUsecase,
      useFactory: (timeline: TimelineRepository) => new RecordDeliveryEventsUsecase(timeline),
      inject: [TimelineRepository],
    },
    {
      provide: GetMessageStatusUsecase,
      useFactory: (timeline: TimelineRepository) => new GetMessageStatusUsecase(timeline),
      inject: [TimelineRepository],
    },
    {
      provide: DeliveryEventsConsumer,
      useFactory: (
        kafka: Kafka,
        publisher: EventPublisher,
        recordDeliveryEvents: RecordDeliveryEventsUsecase,
        config: AnalyticsConfig,
      ) =>
        new DeliveryEventsConsumer(kafka, publisher, recordDeliveryEvents, {
          partitionsConsumedConcurrently: config.ANALYTICS_PARTITIONS_CONCURRENCY,
          maxAttempts: config.ANALYTICS_MAX_ATTEMPTS,
        }),
      inject: [KAFKA, EventPublisher, RecordDeliveryEventsUsecase, ANALYTICS_CONFIG],
    },
  ],
  exports: [DeliveryEventsConsumer],
})
export class TimelineModule {}
