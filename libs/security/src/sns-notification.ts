import { validate, type Validated } from '@switchboard/contracts';
import { z } from 'zod';

const signedFields = {
  MessageId: z.string().min(1).max(200),
  TopicArn: z.string().min(1).max(1024),
  Message: z.string(),
  // SNS writes UTC with milliseconds and a Z, e.g. 2026-04-26T20:45:04.751Z.
  Timestamp: z.iso.datetime(),
  SignatureVersion: z.enum(['1', '2']),
  Signature: z.base64().min(1),
  SigningCertURL: z.string().min(1).max(2048),
};

// Unknown keys are kept out of the result but not refused: AWS may add fields, and only the
// fields below are signed.
const notificationSchema = z.object({
  Type: z.literal('Notification'),
  ...signedFields,
  Subject: z.string().optional(),
  UnsubscribeURL: z.string().optional(),
});

const confirmationFields = {
  ...signedFields,
  Token: z.string().min(1),
  SubscribeURL: z.string().min(1),
};

const subscriptionConfirmationSchema = z.object({
  Type: z.literal('SubscriptionConfirmation'),
  ...confirmationFields,
});

const unsubscribeConfirmationSchema = z.object({
  Type: z.literal('UnsubscribeConfirmation'),
  ...confirmationFields,
});

export const snsMessageSchema = z.discriminatedUnion('Type', [
  notificationSchema,
  subscriptionConfirmationSchema,
  unsubscribeConfirmationSchema,
]);

/** A message that Amazon SNS POSTs to an HTTP(S) subscription, as parsed (not yet verified). */
export type SnsMessage = z.infer<typeof snsMessageSchema>;
export type SnsMessageType = SnsMessage['Type'];

/**
 * Parses the body of an SNS HTTP(S) POST (the raw text, which SNS sends as text/plain, or the
 * already-parsed JSON). Problems name the field, e.g. `Timestamp: Invalid ISO datetime`.
 */
export function parseSnsMessage(body: unknown): Validated<SnsMessage> {
  let json = body;
  if (typeof body === 'string') {
    try {
      json = JSON.parse(body);
    } catch {
      return { ok: false, problems: [{ field: '', problem: 'is not JSON' }] };
    }
  }
  return validate(snsMessageSchema, json);
}

// The order is fixed by AWS and is alphabetical; each key and value is followed by a newline.
const NOTIFICATION_SIGNED_KEYS = [
  'Message',
  'MessageId',
  'Subject',
  'Timestamp',
  'TopicArn',
  'Type',
] as const;
const CONFIRMATION_SIGNED_KEYS = [
  'Message',
  'MessageId',
  'SubscribeURL',
  'Timestamp',
  'Token',
  'TopicArn',
  'Type',
] as const;

/** The exact text SNS signs for a message of this type ("Verifying the signatures of Amazon SNS messages"). */
export function snsStringToSign(message: SnsMessage): string {
  const values = message as Partial<Record<string, string>>;
  const keys = message.Type === 'Notification' ? NOTIFICATION_SIGNED_KEYS : CONFIRMATION_SIGNED_KEYS;
  let text = '';
  for (const key of keys) {
    const value = values[key];
    // Only Subject is optional; an absent Subject is left out entirely, key and all.
    if (value === undefined) continue;
    text += `${key}\n${value}\n`;
  }
  return text;
}
