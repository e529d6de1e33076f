import {
  TopicContracts,
  type TopicContract,
  type TopicName,
  type TopicPayloads,
} from '@switchboard/contracts';
import { MessagingError } from './messaging-error';

/** The topic's contract, or an error naming the topic when the contracts map has none. */
export function contractOf<T extends TopicName>(topic: T): TopicContract<TopicPayloads[T]> {
  const contract = (TopicContracts as Record<string, TopicContract<unknown> | undefined>)[String(topic)];
  if (!contract) {
    throw new MessagingError(
      'UNKNOWN_TOPIC',
      `${String(topic)} has no contract in @switchboard/contracts (use onExternal for upstream topics)`,
    );
  }
  return contract as TopicContract<TopicPayloads[T]>;
}
