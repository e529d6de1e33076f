import { z } from 'zod';

export const TenantId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-zA-Z0-9_-]+$/, 'must be letters, digits, _ or -');
export const MessageId = z.uuid();
export const Timestamp = z.iso.datetime({ offset: true });
export const Channel = z.enum(['email', 'sms', 'push', 'inapp']);
export const Priority = z.enum(['high', 'normal', 'bulk']);
export const TemplateKey = z
  .string()
  .min(1)
  .max(100)
  .regex(
    /^[a-z0-9][a-z0-9._-]*$/,
    'must be lower-case letters, digits, ., _ or -, starting with a letter or digit',
  );
/** Template variables: any JSON object. */
export const TemplateData = z.record(z.string(), z.unknown());

export const EmailRecipient = z.strictObject({ email: z.email().max(254) });

export type ChannelName = z.infer<typeof Channel>;
export type PriorityName = z.infer<typeof Priority>;

export function recipientKey(tenantId: string, recipient: string): string {
  return `${tenantId}:${recipient}`;
}
