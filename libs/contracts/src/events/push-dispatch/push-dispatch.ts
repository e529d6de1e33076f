import { z } from 'zod';
import { MessageId, PushSubscription, RecipientId, recipientKey, TenantId } from '../../common';
import { dispatchTopics } from '../channel-dispatch/dispatch-topics';

/** A rendered web push notification for every subscription the recipient has. */
export const PushDispatch = z.strictObject({
  tenantId: TenantId,
  messageId: MessageId,
  recipientId: RecipientId,
  subscriptions: z.array(PushSubscription).min(1).max(20),
  notification: z.strictObject({
    title: z.string().min(1).max(200),
    body: z.string().max(1000),
    url: z.url().max(2048).optional(),
    icon: z.url().max(2048).optional(),
  }),
  /** How long the push service keeps it for an offline device. */
  ttlSeconds: z.int().min(0).max(2_419_200).default(86_400),
  urgency: z.enum(['very-low', 'low', 'normal', 'high']).default('normal'),
});
export type PushDispatch = z.infer<typeof PushDispatch>;

export const PushChannelTopics = dispatchTopics('push', {
  schemaName: 'PushDispatch',
  schema: PushDispatch,
  key: (payload) => recipientKey(payload.tenantId, payload.recipientId),
  personalData: {
    fields: ['subscriptions', 'notification'],
    owner: (payload) => ({ tenantId: payload.tenantId, recipientId: payload.recipientId }),
  },
});
