import { DeliveryEventTopic } from './events/delivery-event/delivery-event';
import { EmailChannelTopics } from './events/email-dispatch/email-dispatch';
import { EmailReceiptTopic } from './events/email-receipt/email-receipt';
import { InappChannelTopics } from './events/inapp-dispatch/inapp-dispatch';
import { PushChannelTopics } from './events/push-dispatch/push-dispatch';
import { SmsChannelTopics } from './events/sms-dispatch/sms-dispatch';
import { MessageAcceptedTopics } from './events/message-accepted/message-accepted';
import { MessageRequestedTopics } from './events/message-requested/message-requested';
import { RenderRequestedTopics } from './events/render-requested/render-requested';
import {
  RecipientErasureConfirmedTopic,
  RecipientErasureTopic,
} from './events/recipient-erasure/recipient-erasure';
import type { PayloadOf, TopicContract } from './topic-contract';

/** Where anything that cannot be processed is parked, with headers saying why. */
export const DEAD_LETTER_TOPIC = 'sb.dlq.v1';

export const TopicContracts = {
  ...laneTopics(MessageRequestedTopics),
  ...laneTopics(MessageAcceptedTopics),
  ...laneTopics(RenderRequestedTopics),
  ...channelTopics(EmailChannelTopics),
  ...channelTopics(SmsChannelTopics),
  ...channelTopics(PushChannelTopics),
  ...channelTopics(InappChannelTopics),
  [DeliveryEventTopic.topic]: DeliveryEventTopic,
  [EmailReceiptTopic.topic]: EmailReceiptTopic,
  [RecipientErasureTopic.topic]: RecipientErasureTopic,
  [RecipientErasureConfirmedTopic.topic]: RecipientErasureConfirmedTopic,
} as const satisfies Record<string, TopicContract<unknown>>;

/** The priority lanes of one hop, each under its topic name. */
function laneTopics<const Lanes extends Record<string, TopicContract<unknown>>>(lanes: Lanes) {
  return Object.fromEntries(Object.values(lanes).map((contract) => [contract.topic, contract])) as {
    [Contract in Lanes[keyof Lanes] as Contract['topic']]: Contract;
  };
}

/** The lanes and retry tiers of one channel, each under its topic name. */
function channelTopics<
  const Lanes extends Record<string, TopicContract<unknown>>,
  const Retries extends Record<string, TopicContract<unknown>>,
>(topics: { lanes: Lanes; retries: Retries }) {
  const all = [...Object.values(topics.lanes), ...Object.values(topics.retries)];
  return Object.fromEntries(all.map((contract) => [contract.topic, contract])) as {
    [Contract in Lanes[keyof Lanes] | Retries[keyof Retries] as Contract['topic']]: Contract;
  };
}

export type TopicName = keyof typeof TopicContracts;
/** The typed topic→payload map: `publish(topic, payload)` and handlers are checked against it. */
export type TopicPayloads = { [Topic in TopicName]: PayloadOf<(typeof TopicContracts)[Topic]> };

export function contractFor<Topic extends TopicName>(topic: Topic): (typeof TopicContracts)[Topic] {
  return TopicContracts[topic];
}
