import { DeliveryEventTopic } from './events/delivery-event/delivery-event';
import { EmailDispatchTopics } from './events/email-dispatch/email-dispatch';
import { MessageAcceptedTopic } from './events/message-accepted/message-accepted';
import { MessageRequestedTopic } from './events/message-requested/message-requested';
import { RenderRequestedTopic } from './events/render-requested/render-requested';
import type { PayloadOf, TopicContract } from './topic-contract';

/** Where anything that cannot be processed is parked, with headers saying why. */
export const DEAD_LETTER_TOPIC = 'sb.dlq.v1';

export const TopicContracts = {
  [MessageRequestedTopic.topic]: MessageRequestedTopic,
  [MessageAcceptedTopic.topic]: MessageAcceptedTopic,
  [RenderRequestedTopic.topic]: RenderRequestedTopic,
  [EmailDispatchTopics.high.topic]: EmailDispatchTopics.high,
  [EmailDispatchTopics.normal.topic]: EmailDispatchTopics.normal,
  [EmailDispatchTopics.bulk.topic]: EmailDispatchTopics.bulk,
  [DeliveryEventTopic.topic]: DeliveryEventTopic,
} as const satisfies Record<string, TopicContract<unknown>>;

export type TopicName = keyof typeof TopicContracts;
/** The typed topic→payload map: `publish(topic, payload)` and handlers are checked against it. */
export type TopicPayloads = { [Topic in TopicName]: PayloadOf<(typeof TopicContracts)[Topic]> };

export function contractFor<Topic extends TopicName>(topic: Topic): (typeof TopicContracts)[Topic] {
  return TopicContracts[topic];
}
