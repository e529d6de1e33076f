import { z } from 'zod';
import { EmailAddress, PhoneNumber, PushSubscription, RecipientId, Timestamp } from '../common';
import { opaque } from '../validation';
import { Locale, TimeZone } from './sending-policy';

/** At most this many bytes of JSON in a recipient's attributes. */
export const MAX_RECIPIENT_ATTRIBUTES_BYTES = 8192;
/** At most this many attributes (top-level keys) per recipient. */
export const MAX_RECIPIENT_ATTRIBUTES = 100;
export const MAX_RECIPIENTS_PER_BATCH = 1000;

/** How many bytes the attributes take as JSON, as they are stored and counted against the limit. */
export function recipientAttributesSize(attributes: Record<string, unknown>): number {
  return Buffer.byteLength(JSON.stringify(attributes), 'utf8');
}

const AttributeName = z.string().min(1).max(128);

/** A tenant's own facts about a recipient (plan, country, last purchase), for personalisation and conditions. */
export const RecipientAttributes = z
  .record(AttributeName, z.unknown())
  .refine((attributes) => Object.keys(attributes).length <= MAX_RECIPIENT_ATTRIBUTES, {
    message: `must have at most ${MAX_RECIPIENT_ATTRIBUTES} attributes`,
  })
  .refine((attributes) => recipientAttributesSize(attributes) <= MAX_RECIPIENT_ATTRIBUTES_BYTES, {
    message: `must take at most ${MAX_RECIPIENT_ATTRIBUTES_BYTES} bytes as JSON`,
  });

/** Body of PUT /v1/recipients/{recipientId}: the whole profile; a field left out is cleared. */
export const UpsertRecipientRequest = z.strictObject({
  email: EmailAddress.nullable().optional(),
  phone: PhoneNumber.nullable().optional(),
  /** IANA time zone, for quiet hours; without it the tenant's. */
  timeZone: TimeZone.nullable().optional(),
  locale: Locale.nullable().optional(),
  attributes: RecipientAttributes.optional(),
});

/**
 * Body of PATCH /v1/recipients/{recipientId}: a field given changes (null clears it), a field left
 * out stays. `attributes` is merged key by key: a key set to null is deleted (JSON merge patch,
 * one level deep: an attribute's value is replaced whole).
 */
export const PatchRecipientRequest = UpsertRecipientRequest;

/** One item of POST /v1/recipients/batch: a profile as PUT takes it, and whose it is. */
export const ImportedRecipient = UpsertRecipientRequest.extend({ recipientId: RecipientId });

/**
 * Body of POST /v1/recipients/batch. Items stay `unknown` here: each is validated on its own
 * against ImportedRecipient, so one bad item is rejected without failing the others.
 */
export const ImportRecipientsRequest = z.strictObject({
  recipients: z.array(opaque()).min(1).max(MAX_RECIPIENTS_PER_BATCH),
});

const FieldProblem = z.strictObject({ field: z.string(), problem: z.string() });

export const ImportedRecipientResult = z.discriminatedUnion('status', [
  z.strictObject({
    index: z.number().int().min(0),
    recipientId: RecipientId,
    status: z.enum(['created', 'updated']),
  }),
  z.strictObject({
    index: z.number().int().min(0),
    /** Null when the item named no usable recipient id. */
    recipientId: z.string().nullable(),
    status: z.literal('rejected'),
    /** Fields are named relative to the item, e.g. `email`. */
    problems: z.array(FieldProblem).min(1),
  }),
]);

/** Answer to POST /v1/recipients/batch: 200 when every item was written, 207 otherwise. */
export const ImportRecipientsResponse = z.strictObject({
  created: z.number().int().min(0),
  updated: z.number().int().min(0),
  rejected: z.number().int().min(0),
  results: z.array(ImportedRecipientResult),
});

/** Body of POST /v1/recipients/{recipientId}/push-subscriptions. */
export const RegisterPushSubscriptionRequest = PushSubscription;

export const RecipientView = z.strictObject({
  recipientId: RecipientId,
  email: z.string().nullable(),
  phone: z.string().nullable(),
  timeZone: z.string().nullable(),
  locale: z.string().nullable(),
  attributes: z.record(z.string(), z.unknown()),
  /** Endpoints only: the keys stay inside Switchboard. */
  pushSubscriptions: z.array(z.strictObject({ endpoint: z.string(), createdAt: Timestamp })),
  updatedAt: Timestamp,
});

export type RecipientAttributes = z.infer<typeof RecipientAttributes>;
export type UpsertRecipientRequest = z.infer<typeof UpsertRecipientRequest>;
export type PatchRecipientRequest = z.infer<typeof PatchRecipientRequest>;
export type ImportedRecipient = z.infer<typeof ImportedRecipient>;
export type ImportRecipientsRequest = z.infer<typeof ImportRecipientsRequest>;
export type ImportedRecipientResult = z.infer<typeof ImportedRecipientResult>;
export type ImportRecipientsResponse = z.infer<typeof ImportRecipientsResponse>;
export type RegisterPushSubscriptionRequest = z.infer<typeof RegisterPushSubscriptionRequest>;
export type RecipientView = z.infer<typeof RecipientView>;
