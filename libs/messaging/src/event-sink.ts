import type { TopicName, TopicPayloads } from '@switchboard/contracts';

/**
 * What a use case publishes its events through: EventPublisher in a service, a recording double
 * in its specs. Publishing is typed by the topic map, so a payload always matches its topic.
 */
export interface EventSink {
  publishMany<Topic extends TopicName>(
    topic: Topic,
    payloads: readonly TopicPayloads[Topic][],
  ): Promise<unknown>;
}
