import { Logger } from '@nestjs/common';
import {
  DeliveryEventTopic,
  type RenderRequested,
  type RenderRequestedTopicName,
  RenderRequestedTopics,
} from '@switchboard/contracts';
import {
  type ConsumedEvent,
  ConsumerHost,
  type EventPublisher,
  PriorityLaneConsumer,
} from '@switchboard/messaging';
import type { Kafka } from 'kafkajs';
import type { ChannelDispatch, RenderMessageUsecase } from './render-message.usecase';

export interface RenderRequestsConsumerSettings {
  partitionsConsumedConcurrently: number;
  maxAttempts: number;
}

export const TEMPLATE_CONSUMER_GROUP = 'template';

/**
 * Renders render requests a fetched batch at a time and publishes the batch's dispatches (to the
 * lane of each message's channel and priority) and delivery events with one request per topic. A
 * message that cannot render (no such template, no part for its channel, a missing variable) is
 * reported 'failed' and not retried; anything else fails the batch, which the runner retries and
 * then dead-letters. The high lane has a group of its own ('template.high'), so a bulk backlog never
 * holds it up.
 */
export class RenderRequestsConsumer extends ConsumerHost {
  private readonly logger = new Logger(RenderRequestsConsumer.name);

  constructor(
    kafka: Kafka,
    private readonly publisher: EventPublisher,
    private readonly renderMessage: RenderMessageUsecase,
    settings: RenderRequestsConsumerSettings,
  ) {
    super();
    this.host(
      new PriorityLaneConsumer<RenderRequestedTopicName>(
        kafka,
        publisher,
        {
          groupId: TEMPLATE_CONSUMER_GROUP,
          maxAttempts: settings.maxAttempts,
          partitionsConsumedConcurrently: settings.partitionsConsumedConcurrently,
        },
        RenderRequestedTopics,
        (events) => this.renderBatch(events),
      ),
    );
  }

  private async renderBatch(events: Array<ConsumedEvent<RenderRequested>>): Promise<void> {
    const results = await Promise.all(events.map((event) => this.renderMessage.execute(event.payload)));
    const dispatchesByLane = new Map<ChannelDispatch['topic'], Array<ChannelDispatch['dispatch']>>();
    for (const result of results) {
      if (result.result === 'failed') {
        const { tenantId, messageId } = result.event;
        this.logger.warn({
          message: 'message cannot be rendered',
          tenantId,
          messageId,
          reason: result.reason,
        });
        continue;
      }
      const lane = dispatchesByLane.get(result.topic) ?? [];
      lane.push(result.dispatch);
      dispatchesByLane.set(result.topic, lane);
    }
    // Dispatches first: a 'rendered' event never announces a message that was not handed on.
    for (const [topic, dispatches] of dispatchesByLane) await this.publisher.publishMany(topic, dispatches);
    await this.publisher.publishMany(
      DeliveryEventTopic.topic,
      results.map((result) => result.event),
    );
  }
}
