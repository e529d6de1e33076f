import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { type MessageRequested, MessageRequestedTopics, UpstreamEvent } from '@switchboard/contracts';
import { Logger } from '@nestjs/common';
import {
  adoptCommittedOffsets,
  type ConsumedEvent,
  ConsumerRunner,
  type EventPublisher,
  type HandlerOutcome,
  PriorityLaneConsumer,
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
/** Upstream topics have a group of their own: however broken one is, HTTP messages keep flowing. */
export const INGEST_UPSTREAM_CONSUMER_GROUP = 'ingest-upstream';

/**
 * Ingest's consumer groups. Requested messages (the HTTP path) arrive in batches, one bulk write
 * each, from their priority lanes: the high lane in a group of its own ('ingest.high'), normal and
 * bulk in 'ingest'. Upstream events arrive one by one in a group of their own, validated against the
 * UpstreamEvent envelope (the runner dead-letters the ones that fail); one naming a tenant its
 * topic is not bound to is rejected, and so dead-lettered as tenant-not-allowed; the ones handled
 * at the same time share one write.
 */
export class IngestConsumer implements OnApplicationBootstrap, OnApplicationShutdown, ReadinessCheck {
  readonly name = 'consumer';
  private readonly logger = new Logger(IngestConsumer.name);
  private readonly requested: PriorityLaneConsumer<(typeof MessageRequestedTopics)['normal']['topic']>;
  private readonly upstream: ConsumerRunner | undefined;
  private readonly upstreamEvents: CoalescingBatcher<ReceivedUpstreamEvent, UpstreamEventOutcome>;

  constructor(
    private readonly kafka: Kafka,
    publisher: EventPublisher,
    private readonly acceptMessages: AcceptMessages,
    acceptUpstreamEvents: AcceptUpstreamEvents,
    private readonly settings: IngestConsumerSettings,
  ) {
    this.upstreamEvents = new CoalescingBatcher((batch) => acceptUpstreamEvents.execute(batch));
    this.requested = new PriorityLaneConsumer(
      kafka,
      publisher,
      {
        groupId: INGEST_CONSUMER_GROUP,
        maxAttempts: settings.maxAttempts,
        partitionsConsumedConcurrently: settings.partitionsConsumedConcurrently,
      },
      MessageRequestedTopics,
      (events) =>
        // The runner has validated each payload against its lane's schema.
        this.acceptRequested(events.map((event) => event.payload as MessageRequested)),
    );
    if (settings.upstreamTopics.length > 0) {
      const upstream = new ConsumerRunner(kafka, publisher, {
        groupId: INGEST_UPSTREAM_CONSUMER_GROUP,
        concurrency: settings.upstreamConcurrency,
        maxAttempts: settings.maxAttempts,
        partitionsConsumedConcurrently: settings.partitionsConsumedConcurrently,
      });
      for (const topic of settings.upstreamTopics) {
        upstream.onExternal(topic, UpstreamEvent, (event) => this.acceptUpstream(event));
      }
      this.upstream = upstream;
    }
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.requested.start();
    if (!this.upstream) return;
    // Upstream topics were read by the 'ingest' group before they had one of their own.
    const adopted = await adoptCommittedOffsets(this.kafka, {
      from: INGEST_CONSUMER_GROUP,
      to: INGEST_UPSTREAM_CONSUMER_GROUP,
      topics: this.settings.upstreamTopics,
    });
    if (adopted > 0) {
      this.logger.log(`upstream topics continue from where the ingest group was (${adopted} partitions)`);
    }
    await this.upstream.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.requested.stop(), this.upstream?.stop()]);
  }

  /** Both groups consuming; a crashed one is being restarted and counts as not ready meanwhile. */
  async isReady(): Promise<boolean> {
    return this.requested.isHealthy() && (this.upstream?.isHealthy() ?? true);
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
      case 'rejected':
        return result;
      case 'duplicate':
        return { outcome: 'skipped', reason: 'its idempotency key was already used by another message' };
      default:
        return { outcome: 'done' };
    }
  }
}
