import { z } from 'zod';
import {
  ChannelPolicy,
  Channels,
  MessageId,
  Priority,
  Recipient,
  recipientIdentity,
  recipientKey,
  TemplateData,
  TemplateKey,
  TenantId,
  Timestamp,
} from '../../common';
import { defineTopic } from '../../topic-contract';

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
  /** The channels to use, in order of preference; without them the router's default order. */
  channels: Channels.optional(),
  channelPolicy: ChannelPolicy.default('fallback'),
  content: MessageContent,
  priority: Priority.default('normal'),
  sendAt: Timestamp.optional(),
});

/** A request accepted at the edge (HTTP or upstream event), durable before the caller hears 202. */
export const MessageRequested = z.strictObject({
  tenantId: TenantId,
  messageId: MessageId,
  acceptedAt: Timestamp,
  source: z.enum(['http', 'upstream']),
  idempotencyKey: z.string().min(1).max(255).optional(),
  recipient: Recipient,
  channels: Channels.optional(),
  /** Absent means 'fallback', so that messages accepted before channel choice keep their meaning. */
  channelPolicy: ChannelPolicy.optional(),
  content: MessageContent,
  priority: Priority,
  sendAt: Timestamp.optional(),
});

export type SendMessageRequest = z.infer<typeof SendMessageRequest>;
export type MessageRequested = z.infer<typeof MessageRequested>;
export type MessageContent = z.infer<typeof MessageContent>;

export const MessageRequestedTopic = defineTopic({
  topic: 'sb.messages.requested.v1',
  schemaName: 'MessageRequested',
  schemaVersion: 1,
  schema: MessageRequested,
  key: (payload) => recipientKey(payload.tenantId, recipientIdentity(payload.recipient)),
});
