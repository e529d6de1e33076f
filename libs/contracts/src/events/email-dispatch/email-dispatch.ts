import { z } from 'zod';
import { MessageId, RecipientId, recipientKey, TemplateKey, TenantId } from '../../common';
import { dispatchTopics } from '../channel-dispatch/dispatch-topics';

/**
 * RFC 8058 one-click unsubscribe for an email of a type the recipient may opt out of: `url` goes
 * into the List-Unsubscribe header and takes the provider's POST; `preferencesUrl` opens the
 * hosted preference page (only for a recipient with an id).
 */
export const ListUnsubscribeLinks = z.strictObject({
  url: z.url({ protocol: /^https?$/ }),
  preferencesUrl: z.url({ protocol: /^https?$/ }).optional(),
});
export type ListUnsubscribeLinks = z.infer<typeof ListUnsubscribeLinks>;

/** A rendered email, ready for the email sender. */
export const EmailDispatch = z.strictObject({
  tenantId: TenantId,
  messageId: MessageId,
  /** The tenant's id for the person, when the message named one: their key seals the payload. */
  recipientId: RecipientId.optional(),
  to: z.email(),
  subject: z.string().min(1),
  html: z.string(),
  text: z.string(),
  template: z.strictObject({ key: TemplateKey, version: z.int().positive() }).optional(),
  listUnsubscribe: ListUnsubscribeLinks.optional(),
});
export type EmailDispatch = z.infer<typeof EmailDispatch>;

/** The email lanes and retry tiers. */
export const EmailChannelTopics = dispatchTopics('email', {
  schemaName: 'EmailDispatch',
  schema: EmailDispatch,
  key: (payload) => recipientKey(payload.tenantId, payload.to),
  personalData: {
    fields: ['to', 'subject', 'html', 'text', 'listUnsubscribe'],
    owner: (payload) => ({ tenantId: payload.tenantId, recipientId: payload.recipientId }),
  },
});

/** One topic per priority lane, so a bulk backlog never delays high-priority mail. */
export const EmailDispatchTopics = EmailChannelTopics.lanes;
