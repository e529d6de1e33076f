import { z } from 'zod';
import { Channel, MessageId, TenantId, Timestamp } from '../../common';
import { defineTopic } from '../../topic-contract';

export const DeliveryEventType = z.enum([
  'accepted',
  'duplicate',
  'routed',
  'skipped',
  'deferred',
  /** A message waiting for its time was cancelled by the tenant before it was sent. */
  'cancelled',
  'rendered',
  'sent',
  'delivered',
  'bounced',
  'complained',
  'failed',
  /** A provider call that did not succeed; a retry, a failover or the end follows. */
  'attempt-failed',
  'retry-scheduled',
  /** The next provider of the channel took over (the previous one's circuit was open or it failed). */
  'failed-over',
  /** A provider's circuit breaker opened, half-opened or closed while sending this message. */
  'circuit-changed',
  /** The router moved the message to the next channel it allows. */
  'rerouted',
  'dead-lettered',
  'redriven',
  /** In-app: the recipient read or archived the item. */
  'read',
  'archived',
  /** The recipient was erased: the message's personal data is gone; the steps' facts stay. */
  'erased',
]);

/** One step in a message's life; analytics keeps them as its timeline. */
export const DeliveryEvent = z.strictObject({
  tenantId: TenantId,
  messageId: MessageId,
  type: DeliveryEventType,
  occurredAt: Timestamp,
  /** The service that recorded the step. */
  source: z.string().min(1),
  channel: Channel.optional(),
  provider: z.string().optional(),
  /** Why a message was skipped, deferred or failed. */
  reason: z.string().optional(),
  /** Router decisions: the sending rule that decided (a PolicyRule name, e.g. `quiet-hours`). */
  rule: z.string().min(1).max(64).optional(),
  /** Provider message id and similar facts, for the timeline. */
  detail: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
});
export type DeliveryEvent = z.infer<typeof DeliveryEvent>;
export type DeliveryEventTypeName = z.infer<typeof DeliveryEventType>;

export const DeliveryEventTopic = defineTopic({
  topic: 'sb.delivery.events.v1',
  schemaName: 'DeliveryEvent',
  schemaVersion: 1,
  schema: DeliveryEvent,
  // Keyed by message so a message's steps stay in order for analytics.
  key: (payload) => `${payload.tenantId}:${payload.messageId}`,
});
