import { createHash } from 'node:crypto';
import { domainToASCII } from 'node:url';
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

const PlainEmailAddress = z.email();

function isEmailAddress(text: string): boolean {
  if (PlainEmailAddress.safeParse(text).success) return true;
  const at = text.lastIndexOf('@');
  if (at <= 0) return false;
  const asciiDomain = domainToASCII(text.slice(at + 1));
  return asciiDomain !== '' && PlainEmailAddress.safeParse(`${text.slice(0, at)}@${asciiDomain}`).success;
}

/**
 * An email address as z.email() reads it, or one with an internationalised domain
 * (ada@bücher.example): the gateway and the router write such a domain in ASCII before it goes on.
 */
export const EmailAddress = z.string().max(254).refine(isEmailAddress, { message: 'Invalid email address' });

/** E.164: a plus sign, a country code and at most 15 digits, no spaces. */
export const PhoneNumber = z
  .string()
  .regex(
    /^\+[1-9][0-9]{6,14}$/,
    "must be an E.164 number such as +14155550123 (or a national number, when the tenant's sending settings name a phoneRegion)",
  );
/** The tenant's own id for a person, under which contact points and the inbox are kept. */
export const RecipientId = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[a-zA-Z0-9._:@-]+$/, 'must be letters, digits, ., _, :, @ or -');

/**
 * Whom a message is for: the tenant's id for the person (the router adds the contact points it
 * keeps for them), addresses given inline (they win over stored ones), or both.
 */
export const Recipient = z
  .strictObject({
    id: RecipientId.optional(),
    email: EmailAddress.optional(),
    phone: PhoneNumber.optional(),
  })
  .refine(
    (recipient) =>
      recipient.id !== undefined || recipient.email !== undefined || recipient.phone !== undefined,
    { message: 'a recipient needs an id, an email or a phone' },
  );
export type Recipient = z.infer<typeof Recipient>;

/** What a recipient is known by across channels: the partition key part that keeps their messages in order. */
export function recipientIdentity(recipient: Recipient): string {
  return recipient.id ?? recipient.email ?? recipient.phone ?? '';
}

/** The channels a message may use, in order of preference. */
export const Channels = z
  .array(Channel)
  .min(1)
  .max(4)
  .refine((channels) => new Set(channels).size === channels.length, {
    message: 'must not name a channel twice',
  });

/** 'fallback': the first channel that can take the message, the next one if it fails; 'all': every one. */
export const ChannelPolicy = z.enum(['fallback', 'all']);
export type ChannelPolicyName = z.infer<typeof ChannelPolicy>;

/**
 * A browser's push subscription as PushManager.subscribe() returns it. Only its shape is checked
 * here; the push endpoint policy checks the address and keys at registration.
 */
export const PushSubscription = z.strictObject({
  endpoint: z.url().max(2048),
  /** What PushSubscription.toJSON() gives; null when the push service sets no expiry. */
  expirationTime: z.number().nullable().optional(),
  keys: z.strictObject({ p256dh: z.string().min(1).max(256), auth: z.string().min(1).max(64) }),
});
export type PushSubscription = z.infer<typeof PushSubscription>;

export type ChannelName = z.infer<typeof Channel>;
export type PriorityName = z.infer<typeof Priority>;

/**
 * The partition key of one recipient's events: the tenant and a digest of what the recipient is
 * known by, so that retained record keys hold no address. The digest is not a secret (anyone can
 * hash a guessed address and compare) nor a blind index to look people up by; it only has to be
 * the same for the same recipient, so that their events stay in order on one partition.
 */
export function recipientKey(tenantId: string, recipient: string): string {
  // 16 bytes of SHA-256 keep distinct recipients apart; base64url keeps the key short and printable.
  const digest = createHash('sha256').update(recipient).digest().subarray(0, 16).toString('base64url');
  return `${tenantId}:${digest}`;
}
