import { z } from 'zod';
import { MessageId, Priority, recipientKey, TenantId, Timestamp } from '../../common';
import { defineTopic } from '../../topic-contract';
import { MessageContent } from '../message-requested/message-requested';

/** The router's decision: render this message for this channel and address. */
export const RenderRequested = z.strictObject({
  tenantId: TenantId,
  messageId: MessageId,
  /** Templates render with the version current at this time. */
  acceptedAt: Timestamp,
  channel: z.literal('email'),
  address: z.email(),
  priority: Priority,
  content: MessageContent,
});
export type RenderRequested = z.infer<typeof RenderRequested>;

export const RenderRequestedTopic = defineTopic({
  topic: 'sb.render.requested.v1',
  schemaName: 'RenderRequested',
  schemaVersion: 1,
  schema: RenderRequested,
  key: (payload) => recipientKey(payload.tenantId, payload.address),
});
