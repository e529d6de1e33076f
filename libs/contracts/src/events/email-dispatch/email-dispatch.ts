import { z } from 'zod';
import { MessageId, recipientKey, TemplateKey, TenantId } from '../../common';
import { defineTopic } from '../../topic-contract';

/** A rendered email, ready for the email sender. */
export const EmailDispatch = z.strictObject({
  tenantId: TenantId,
  messageId: MessageId,
  to: z.email(),
  subject: z.string().min(1),
  html: z.string(),
  text: z.string(),
  template: z.strictObject({ key: TemplateKey, version: z.int().positive() }).optional(),
});
export type EmailDispatch = z.infer<typeof EmailDispatch>;

const emailDispatchTopic = <const Lane extends 'high' | 'normal' | 'bulk'>(lane: Lane) =>
  defineTopic({
    topic: `sb.dispatch.email.${lane}.v1`,
    schemaName: 'EmailDispatch',
    schemaVersion: 1,
    schema: EmailDispatch,
    key: (payload) => recipientKey(payload.tenantId, payload.to),
  });

/** One topic per priority lane, so a bulk backlog never delays high-priority mail. */
export const EmailDispatchTopics = {
  high: emailDispatchTopic('high'),
  normal: emailDispatchTopic('normal'),
  bulk: emailDispatchTopic('bulk'),
};
