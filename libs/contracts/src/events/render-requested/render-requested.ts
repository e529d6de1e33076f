import { z } from 'zod';
import {
  MessageId,
  PhoneNumber,
  Priority,
  type PriorityName,
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

const renderRequestedTopic = <const Topic extends `sb.${string}.v1`>(topic: Topic) =>
  defineTopic({
    topic,
    schemaName: 'RenderRequested',
    schemaVersion: 1,
    schema: RenderRequested,
    key: (payload) => recipientKey(payload.tenantId, payload.recipientId ?? payload.address),
    personalData: {
      fields: [
        'address',
        'pushSubscriptions',
        'listUnsubscribe',
        'content.data',
        'content.subject',
        'content.text',
        'content.html',
      ],
      owner: (payload) => ({ tenantId: payload.tenantId, recipientId: payload.recipientId }),
    },
  });

/**
 * The normal lane. It keeps the name of the single topic there was before lanes, so render
 * requests already on it when a cluster is upgraded are still rendered.
 */
export const RenderRequestedTopic = renderRequestedTopic('sb.render.requested.v1');

/** One topic per priority lane: the render request's priority, which the router resolved. */
export const RenderRequestedTopics = {
  high: renderRequestedTopic('sb.render.requested.high.v1'),
  normal: RenderRequestedTopic,
  bulk: renderRequestedTopic('sb.render.requested.bulk.v1'),
} as const;

export function renderRequestedTopicFor(priority: PriorityName): RenderRequestedTopicName {
  return RenderRequestedTopics[priority].topic;
}

export type RenderRequestedTopicName = (typeof RenderRequestedTopics)[PriorityName]['topic'];

/** Render requests grouped by the topic of their lane, in their order, for one publish per lane. */
export function renderRequestedLanes(
  requests: RenderRequested[],
): Array<[RenderRequestedTopicName, RenderRequested[]]> {
  const lanes = new Map<RenderRequestedTopicName, RenderRequested[]>();
  for (const request of requests) {
    const topic = renderRequestedTopicFor(request.priority);
    const lane = lanes.get(topic);
    if (lane) lane.push(request);
    else lanes.set(topic, [request]);
  }
  return [...lanes];
}
