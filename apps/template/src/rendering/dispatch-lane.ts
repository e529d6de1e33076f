import {
  type ChannelName,
  EmailChannelTopics,
  InappChannelTopics,
  type PriorityName,
  PushChannelTopics,
  SmsChannelTopics,
} from '@switchboard/contracts';

const CHANNEL_TOPICS = {
  email: EmailChannelTopics,
  sms: SmsChannelTopics,
  push: PushChannelTopics,
  inapp: InappChannelTopics,
};

export type LaneTopicName<Channel extends ChannelName> =
  (typeof CHANNEL_TOPICS)[Channel]['lanes'][PriorityName]['topic'];

/**
 * The lane of a channel and priority: its topic and its payload contract. Each has its own topic,
 * so bulk messages queue behind bulk only.
 */
export function dispatchContractFor(channel: ChannelName, priority: PriorityName) {
  return CHANNEL_TOPICS[channel].lanes[priority];
}

/** Every lane of every channel: the topics this service publishes dispatches to. */
export const DISPATCH_LANES = Object.values(CHANNEL_TOPICS).flatMap((topics) => Object.values(topics.lanes));
