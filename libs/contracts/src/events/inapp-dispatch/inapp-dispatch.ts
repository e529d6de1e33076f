import { z } from 'zod';
import { MessageId, RecipientId, recipientKey, TenantId } from '../../common';
import { dispatchTopics } from '../channel-dispatch/dispatch-topics';

/** A rendered inbox item for one recipient. */
export const InappDispatch = z.strictObject({
  tenantId: TenantId,
  messageId: MessageId,
  recipientId: RecipientId,
  title: z.string().min(1).max(200),
  body: z.string().max(10_000),
  actionUrl: z.url().max(2048).optional(),
  /** Extra fields the tenant's client renders; any JSON object. */
  data: z.record(z.string(), z.unknown()).optional(),
});
export type InappDispatch = z.infer<typeof InappDispatch>;

export const InappChannelTopics = dispatchTopics('inapp', {
  schemaName: 'InappDispatch',
  schema: InappDispatch,
  key: (payload) => recipientKey(payload.tenantId, payload.recipientId),
  personalData: {
    fields: ['title', 'body', 'actionUrl', 'data'],
    owner: (payload) => ({ tenantId: payload.tenantId, recipientId: payload.recipientId }),
  },
});
