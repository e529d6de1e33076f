import type { TopicName, TopicPayloads } from '@switchboard/contracts';

/** What the router's use cases publish through; the messaging lib's EventPublisher is one. */
export interface EventSink {
  publishMany<Topic extends TopicName>(topic: Topic, payloads: Array<TopicPayloads[Topic]>): Promise<unknown>;
}

export const ROUTER_SOURCE = 'router';
