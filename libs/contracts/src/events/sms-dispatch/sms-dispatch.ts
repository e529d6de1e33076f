import { z } from 'zod';
import { MessageId, PhoneNumber, RecipientId, recipientKey, TenantId } from '../../common';
import { dispatchTopics } from '../channel-dispatch/dispatch-topics';

/** A rendered SMS, ready for the SMS sender. */
export const SmsDispatch = z.strictObject({
  tenantId: TenantId,
  messageId: MessageId,
  /** The tenant's id for the person, when the message named one: their key seals the payload. */
  recipientId: RecipientId.optional(),
  to: PhoneNumber,
  /** Up to 10 segments of UCS-2 text; the sender counts segments and encoding. */
  text: z.string().min(1).max(1600),
  /** Alphanumeric sender id where the destination country allows one. */
  senderId: z
    .string()
    .regex(/^(?=.*[a-zA-Z])[a-zA-Z0-9]{1,11}$/, 'must be 1-11 letters or digits, with a letter')
    .optional(),
  smsType: z.enum(['Transactional', 'Promotional']).default('Transactional'),
});
export type SmsDispatch = z.infer<typeof SmsDispatch>;

export const SmsChannelTopics = dispatchTopics('sms', {
  schemaName: 'SmsDispatch',
  schema: SmsDispatch,
  key: (payload) => recipientKey(payload.tenantId, payload.to),
  personalData: {
    fields: ['to', 'text'],
    owner: (payload) => ({ tenantId: payload.tenantId, recipientId: payload.recipientId }),
  },
});
