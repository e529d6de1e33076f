import { z } from 'zod';
import { TemplateKey, Timestamp } from '../common';
import { UpstreamEvent } from '../events/upstream-event/upstream-event';
import { MessageTypeKey } from './sending-policy';

/** Body of POST /v1/triggers (and of ingest's internal route): events of this type become messages. */
export const CreateTriggerRequest = z.strictObject({
  eventType: UpstreamEvent.shape.type,
  templateKey: TemplateKey,
  channel: z.literal('email').default('email'),
  /** The type of the messages made; left out: the tenant's default type. */
  messageType: MessageTypeKey.optional(),
});

export const TriggerView = z.strictObject({
  eventType: z.string(),
  templateKey: TemplateKey,
  channel: z.literal('email'),
  /** Absent: the messages made take the tenant's default type. */
  messageType: MessageTypeKey.optional(),
  createdAt: Timestamp,
});

export const TriggerListView = z.strictObject({ triggers: z.array(TriggerView) });

export type CreateTriggerRequest = z.infer<typeof CreateTriggerRequest>;
export type TriggerView = z.infer<typeof TriggerView>;
export type TriggerListView = z.infer<typeof TriggerListView>;
