import { Global, Module } from '@nestjs/common';
import { consumerReadiness, EventPublisher, KAFKA } from '@switchboard/messaging';
import { Metrics } from '@switchboard/telemetry';
import type { Kafka } from 'kafkajs';
import { INGEST_CONFIG, type IngestConfig } from '../config';
import { AcceptMessages } from '../messages/accept-messages.usecase';
import { MessagesModule } from '../messages/messages.module';
import { TriggerCache } from '../triggers/trigger-cache';
import { TriggersModule } from '../triggers/triggers.module';
import { AcceptUpstreamEvents } from '../upstream/accept-upstream-events.usecase';
import { IngestConsumer } from './ingest-consumer';

/** Ready while the requested and upstream groups are both consuming. */
export const ConsumerReadiness = consumerReadiness('consumer', IngestConsumer);

// Global so that the health module can see the consumer for its readiness check.
@Global()
@Module({
  imports: [MessagesModule, TriggersModule],
  providers: [
    {
      provide: AcceptUpstreamEvents,
      useFactory: (triggers: TriggerCache, acceptMessages: AcceptMessages, config: IngestConfig) =>
        new AcceptUpstreamEvents(
          triggers,
          acceptMessages,
          config.INGEST_UPSTREAM_TOPICS ?? new Map(),
          new Metrics('ingest').counter('switchboard.ingest.upstream_events.skipped', {
            description: 'Upstream events that became no message, by topic and reason',
          }),
        ),
      inject: [TriggerCache, AcceptMessages, INGEST_CONFIG],
    },
    {
      provide: IngestConsumer,
      useFactory: (
        kafka: Kafka,
        publisher: EventPublisher,
        acceptMessages: AcceptMessages,
        acceptUpstreamEvents: AcceptUpstreamEvents,
        config: IngestConfig,
      ) =>
        new IngestConsumer(kafka, publisher, acceptMessages, acceptUpstreamEvents, {
          upstreamTopics: [...(config.INGEST_UPSTREAM_TOPICS?.keys() ?? [])],
          partitionsConsumedConcurrently: config.INGEST_CONSUMER_CONCURRENCY,
          upstreamConcurrency: config.INGEST_UPSTREAM_CONCURRENCY,
          maxAttempts: config.INGEST_MAX_ATTEMPTS,
        }),
      inject: [KAFKA, EventPublisher, AcceptMessages, AcceptUpstreamEvents, INGEST_CONFIG],
    },
  ],
  exports: [IngestConsumer],
})
export class ConsumersModule {}
