import { z } from 'zod';
import { Channel, MessageId, TenantId, Timestamp } from '../common';
import { DeliveryEventType } from '../events/delivery-event/delivery-event';

/** One step of a message's timeline, as GET /v1/messages/{id} shows it. */
export const MessageTimelineEntry = z.strictObject({
  type: DeliveryEventType,
  occurredAt: Timestamp,
  source: z.string().min(1),
  channel: Channel.optional(),
  provider: z.string().optional(),
  reason: z.string().optional(),
  /** Router decisions: the sending rule that decided (`opted-out`, `quiet-hours`, `frequency-limit`, ...). */
  rule: z.string().optional(),
  detail: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
});

/** A message's current status (its latest step's type) and its timeline, oldest first. */
export const MessageStatusView = z.strictObject({
  messageId: MessageId,
  tenantId: TenantId,
  status: DeliveryEventType,
  timeline: z.array(MessageTimelineEntry),
});

export type MessageTimelineEntry = z.infer<typeof MessageTimelineEntry>;
export type MessageStatusView = z.infer<typeof MessageStatusView>;
