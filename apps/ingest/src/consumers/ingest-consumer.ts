import { Logger } from '@nestjs/common';
import { type MessageRequested, MessageRequestedTopics, UpstreamEvent } from '@switchboard/contracts';
import {
  adoptCommittedOffsets,
  type ConsumedEvent,
  ConsumerHost,
  ConsumerRunner,
  type EventPublisher,
  type HandlerOutcome,
  PriorityLaneConsumer,
} from '@switchboard/messaging';
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
export class IngestConsumer extends ConsumerHost {
  private readonly logger = new Logger(IngestConsumer.name);
  private readonly upstreamEvents: CoalescingBatcher<ReceivedUpstreamEvent, UpstreamEventOutcome>;

  constructor(
    private readonly kafka: Kafka,
    publisher: EventPublisher,
    private readonly acceptMessages: AcceptMessages,
    acceptUpstreamEvents: AcceptUpstreamEvents,
    private readonly settings: IngestConsumerSettings,
  ) {
    super();
    this.upstreamEvents = new CoalescingBatcher((batch) => acceptUpstreamEvents.execute(batch));
    this.host(
      new PriorityLaneConsumer(
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
      ),
    );
    if (settings.upstreamTopics.length > 0) {
      const upstream = this.host(
        new ConsumerRunner(kafka, publisher, {
          groupId: INGEST_UPSTREAM_CONSUMER_GROUP,
          concurrency: settings.upstreamConcurrency,
          maxAttempts: settings.maxAttempts,
          partitionsConsumedConcurrently: settings.partitionsConsumedConcurrently,
        }),
      );
      for (const topic of settings.upstreamTopics) {
        upstream.onExternal(topic, UpstreamEvent, (event) => this.acceptUpstream(event));
      }
    }
  }

  // Upstream topics were read by the 'ingest' group before they had one of their own.
  protected override async beforeStart(): Promise<void> {
    const adopted = await adoptCommittedOffsets(this.kafka, {
      from: INGEST_CONSUMER_GROUP,
      to: INGEST_UPSTREAM_CONSUMER_GROUP,
      topics: this.settings.upstreamTopics,
    });
    if (adopted > 0) {
      this.logger.log(`upstream topics continue from where the ingest group was (${adopted} partitions)`);
    }
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
