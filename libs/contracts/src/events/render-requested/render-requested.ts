import { z } from 'zod';
import {
  MessageId,
  PhoneNumber,
  Priority,
  PushSubscription,
  RecipientId,
  recipientKey,
  TenantId,
  Timestamp,
} from '../../common';
import { defineTopic } from '../../topic-contract';
import { ListUnsubscribeLinks } from '../email-dispatch/email-dispatch';
import { MessageContent } from '../message-requested/message-requested';

const RenderRequestBase = {
  tenantId: TenantId,
  messageId: MessageId,
  /** Templates render with the version current at this time. */
  acceptedAt: Timestamp,
  priority: Priority,
  content: MessageContent,
  /** The tenant's id for the person, when the message named one: the partition key across channels. */
  recipientId: RecipientId.optional(),
};

/** The router's decision: render this message for this channel and address. */
export const RenderRequested = z.discriminatedUnion('channel', [
  z.strictObject({
    ...RenderRequestBase,
    channel: z.literal('email'),
    address: z.email(),
    /** Signed links for the List-Unsubscribe headers, when the message's type allows opting out. */
    listUnsubscribe: ListUnsubscribeLinks.optional(),
  }),
  z.strictObject({ ...RenderRequestBase, channel: z.literal('sms'), address: PhoneNumber }),
  z.strictObject({
    ...RenderRequestBase,
    channel: z.literal('push'),
    /** The recipient id; the subscriptions are the router's at the time of routing. */
    address: RecipientId,
    pushSubscriptions: z.array(PushSubscription).min(1).max(20),
  }),
  z.strictObject({ ...RenderRequestBase, channel: z.literal('inapp'), address: RecipientId }),
]);
export type RenderRequested = z.infer<typeof RenderRequested>;

export const RenderRequestedTopic = defineTopic({
  topic: 'sb.render.requested.v1',
  schemaName: 'RenderRequested',
  schemaVersion: 1,
  schema: RenderRequested,
  key: (payload) => recipientKey(payload.tenantId, payload.recipientId ?? payload.address),
});
