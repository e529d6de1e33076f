import type { z } from 'zod';
import { type PriorityName, recipientIdentity, recipientKey } from '../../common';
import { defineTopic } from '../../topic-contract';
import { MessageRequested, messageRequestPersonalData } from '../message-requested/message-requested';

/** A message ingest has recorded (deduplicated, stored) and hands to the router. */
export const MessageAccepted = MessageRequested;
export type MessageAccepted = z.infer<typeof MessageAccepted>;

const messageAcceptedTopic = <const Topic extends `sb.${string}.v1`>(topic: Topic) =>
  defineTopic({
    topic,
    schemaName: 'MessageAccepted',
    schemaVersion: 1,
    schema: MessageAccepted,
    key: (payload) => recipientKey(payload.tenantId, recipientIdentity(payload.recipient)),
    personalData: messageRequestPersonalData,
  });

/**
 * The normal lane. It keeps the name of the single topic there was before lanes, so messages
 * already on it when a cluster is upgraded are still routed (by the normal lane's consumer).
 */
export const MessageAcceptedTopic = messageAcceptedTopic('sb.messages.accepted.v1');

/** One topic per priority lane (the message's own priority, else normal), read by the router. */
export const MessageAcceptedTopics = {
  high: messageAcceptedTopic('sb.messages.accepted.high.v1'),
  normal: MessageAcceptedTopic,
  bulk: messageAcceptedTopic('sb.messages.accepted.bulk.v1'),
} as const;

export function messageAcceptedTopicFor(
  priority: PriorityName | undefined,
): (typeof MessageAcceptedTopics)[PriorityName]['topic'] {
  return MessageAcceptedTopics[priority ?? 'normal'].topic;
}
