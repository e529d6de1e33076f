import { z } from 'zod';
import {
  ChannelPolicy,
  Channels,
  MessageId,
  Priority,
  type PriorityName,
  Recipient,
  recipientIdentity,
  recipientKey,
  TemplateData,
  TemplateKey,
  TenantId,
  Timestamp,
} from '../../common';
import { defineTopic, type PersonalData } from '../../topic-contract';
import { MessageTypeKey } from '../../http/sending-policy';

export const TemplateContent = z.strictObject({ templateKey: TemplateKey, data: TemplateData.default({}) });
export const InlineContent = z
  .strictObject({
    subject: z.string().min(1).max(998),
    text: z.string().max(200_000).optional(),
    html: z.string().max(200_000).optional(),
  })
  .refine((content) => content.text !== undefined || content.html !== undefined, {
    message: 'an inline message needs text or html',
    path: ['text'],
  });
export const MessageContent = z.union([TemplateContent, InlineContent]);

/** What a caller hands over: the body of POST /v1/messages and of each batch item. */
export const SendMessageRequest = z.strictObject({
  recipient: Recipient,
  /** The message type (category, defaults, which rules apply); without it the tenant's default type. */
  type: MessageTypeKey.optional(),
  /** The channels to use, in order of preference; without them the type's, ordered by the recipient's preferences. */
  channels: Channels.optional(),
  /** Without it the type's channel policy. */
  channelPolicy: ChannelPolicy.optional(),
  content: MessageContent,
  /** Without it the type's default priority. */
  priority: Priority.optional(),
  sendAt: Timestamp.optional(),
  /** What makes two messages the same for the type's dedup window; without it a hash of type, content and data. */
  dedupKey: z.string().min(1).max(255).optional(),
});

/** A request accepted at the edge (HTTP or upstream event), durable before the caller hears 202. */
export const MessageRequested = z.strictObject({
  tenantId: TenantId,
  messageId: MessageId,
  acceptedAt: Timestamp,
  source: z.enum(['http', 'upstream']),
  idempotencyKey: z.string().min(1).max(255).optional(),
  recipient: Recipient,
  type: MessageTypeKey.optional(),
  channels: Channels.optional(),
  /** Absent: the type's channel policy (the built-in type's is 'fallback', as before types existed). */
  channelPolicy: ChannelPolicy.optional(),
  content: MessageContent,
  /** Absent: the type's default priority; lanes before the router read it as 'normal'. */
  priority: Priority.optional(),
  sendAt: Timestamp.optional(),
  dedupKey: z.string().min(1).max(255).optional(),
});

export type SendMessageRequest = z.infer<typeof SendMessageRequest>;
export type MessageRequested = z.infer<typeof MessageRequested>;
export type MessageContent = z.infer<typeof MessageContent>;

/**
 * The addresses and content of a request, sealed on every topic that carries one (requested,
 * accepted): with the recipient's key when it names them, so that erasing them shreds the records.
 */
export const messageRequestPersonalData: PersonalData<MessageRequested> = {
  fields: [
    'recipient.email',
    'recipient.phone',
    'content.data',
    'content.subject',
    'content.text',
    'content.html',
  ],
  owner: (payload) => ({ tenantId: payload.tenantId, recipientId: payload.recipient.id }),
};

const messageRequestedTopic = <const Topic extends `sb.${string}.v1`>(topic: Topic) =>
  defineTopic({
    topic,
    schemaName: 'MessageRequested',
    schemaVersion: 1,
    schema: MessageRequested,
    key: (payload) => recipientKey(payload.tenantId, recipientIdentity(payload.recipient)),
    personalData: messageRequestPersonalData,
  });

/**
 * The normal lane. It keeps the name of the single topic there was before lanes, so requests
 * already on it when a cluster is upgraded are still read (by the normal lane's consumer).
 */
export const MessageRequestedTopic = messageRequestedTopic('sb.messages.requested.v1');

/** One topic per priority lane, so a bulk backlog never delays a high-priority request. */
export const MessageRequestedTopics = {
  high: messageRequestedTopic('sb.messages.requested.high.v1'),
  normal: MessageRequestedTopic,
  bulk: messageRequestedTopic('sb.messages.requested.bulk.v1'),
} as const;

/**
 * Before the router nothing knows the message type, so a request without a priority of its own
 * travels the normal lane; the router resolves the type's default for the hops after it.
 */
export function requestedLaneOf(message: { priority?: PriorityName | undefined }): PriorityName {
  return message.priority ?? 'normal';
}

export function messageRequestedTopicFor(
  priority: PriorityName | undefined,
): (typeof MessageRequestedTopics)[PriorityName]['topic'] {
  return MessageRequestedTopics[priority ?? 'normal'].topic;
}
