import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { type MessageRequested, MessageRequestedTopic, UpstreamEvent } from '@switchboard/contracts';
import {
  type ConsumedEvent,
  ConsumerRunner,
  type EventPublisher,
  type HandlerOutcome,
} from '@switchboard/messaging';
import type { ReadinessCheck } from '@switchboard/service-kit';
import type { Kafka } from 'kafkajs';
import type { AcceptMessages } from '../messages/accept-messages.usecase';
import type { AcceptUpstreamEvents, UpstreamEventOutcome } from '../upstream/accept-upstream-events.usecase';
import { CoalescingBatcher } from '../upstream/coalescing-batcher';
import type { ReceivedUpstreamEvent } from '../upstream/upstream-message';

export interface IngestConsumerSettings {
  upstreamTopics: string[];
  partitionsConsumedConcurrently: number;
  upstreamConcurrency: number;
  maxAttempts: number;
}

export const INGEST_CONSUMER_GROUP = 'ingest';

/**
 * Ingest's one consumer group: requested messages arrive in batches (one bulk write each);
 * upstream events arrive one by one, validated against the UpstreamEvent envelope (the runner
 * dead-letters the ones that fail), and the ones handled at the same time share one write.
 */
export class IngestConsumer implements OnApplicationBootstrap, OnApplicationShutdown, ReadinessCheck {
  readonly name = 'consumer';
  private readonly runner: ConsumerRunner;
  private readonly upstreamEvents: CoalescingBatcher<ReceivedUpstreamEvent, UpstreamEventOutcome>;

  constructor(
    kafka: Kafka,
    publisher: EventPublisher,
    private readonly acceptMessages: AcceptMessages,
    acceptUpstreamEvents: AcceptUpstreamEvents,
    settings: IngestConsumerSettings,
  ) {
    this.upstreamEvents = new CoalescingBatcher((batch) => acceptUpstreamEvents.execute(batch));
    this.runner = new ConsumerRunner(kafka, publisher, {
      groupId: INGEST_CONSUMER_GROUP,
      concurrency: settings.upstreamConcurrency,
      maxAttempts: settings.maxAttempts,
      partitionsConsumedConcurrently: settings.partitionsConsumedConcurrently,
    }).onBatch(MessageRequestedTopic.topic, (events) =>
      // The runner has validated each payload against this topic's schema.
      this.acceptRequested(events.map((event) => event.payload as MessageRequested)),
    );
    for (const topic of settings.upstreamTopics) {
      this.runner.onExternal(topic, UpstreamEvent, (event) => this.acceptUpstream(event));
    }
  }

  onApplicationBootstrap(): Promise<void> {
    return this.runner.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.runner.stop();
  }

  async isReady(): Promise<boolean> {
    return this.runner.isHealthy();
  }

  private async acceptRequested(messages: MessageRequested[]): Promise<void> {
    await this.acceptMessages.execute(messages.map((message) => ({ message })));
  }

  private async acceptUpstream(event: ConsumedEvent<UpstreamEvent>): Promise<HandlerOutcome> {
    const result = await this.upstreamEvents.submit({
      event: event.payload,
      position: { topic: event.topic, partition: event.partition, offset: event.offset },
    });
    switch (result.outcome) {
      case 'skipped':
        return result;
      case 'duplicate':
        return { outcome: 'skipped', reason: 'its idempotency key was already used by another message' };
      default:
        return { outcome: 'done' };
    }
  }
}
