import { EmailDispatchTopics, type PriorityName } from '@switchboard/contracts';

export type EmailDispatchTopicName = (typeof EmailDispatchTopics)[PriorityName]['topic'];

/** Each priority has its own dispatch topic, so bulk mail queues behind bulk mail only. */
export function dispatchTopicFor(priority: PriorityName): EmailDispatchTopicName {
  return EmailDispatchTopics[priority].topic;
}
