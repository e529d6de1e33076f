import { z } from 'zod';
import { PhoneNumber, PushSubscription, RecipientId, Timestamp } from '../common';

/** Body of PUT /v1/recipients/{recipientId}: the contact points a message can use. */
export const UpsertRecipientRequest = z.strictObject({
  email: z.email().max(254).nullable().optional(),
  phone: PhoneNumber.nullable().optional(),
  /** IANA time zone, for quiet hours. */
  timeZone: z.string().min(1).max(64).optional(),
  locale: z.string().min(2).max(35).optional(),
});

/** Body of POST /v1/recipients/{recipientId}/push-subscriptions. */
export const RegisterPushSubscriptionRequest = PushSubscription;

export const RecipientView = z.strictObject({
  recipientId: RecipientId,
  email: z.string().nullable(),
  phone: z.string().nullable(),
  timeZone: z.string().nullable(),
  locale: z.string().nullable(),
  /** Endpoints only: the keys stay inside Switchboard. */
  pushSubscriptions: z.array(z.strictObject({ endpoint: z.string(), createdAt: Timestamp })),
  updatedAt: Timestamp,
});

export type UpsertRecipientRequest = z.infer<typeof UpsertRecipientRequest>;
export type RegisterPushSubscriptionRequest = z.infer<typeof RegisterPushSubscriptionRequest>;
export type RecipientView = z.infer<typeof RecipientView>;
