import type { RecipientView } from '@switchboard/contracts';

/** A person of a tenant and the contact points messages to them can use. */
export interface Recipient {
  tenantId: string;
  recipientId: string;
  email: string | null;
  phone: string | null;
  timeZone: string | null;
  locale: string | null;
  attributes: Record<string, unknown>;
  /** Oldest first. */
  pushSubscriptions: StoredPushSubscription[];
  createdAt: Date;
  updatedAt: Date;
}

export interface StoredPushSubscription {
  endpoint: string;
  p256dh: string;
  auth: string;
  createdAt: Date;
}

/** What an upsert sets: a field left out keeps its value, null clears it. */
export interface RecipientChanges {
  email?: string | null;
  phone?: string | null;
  timeZone?: string | null;
  locale?: string | null;
  /** Replaces the attributes whole. */
  attributes?: Record<string, unknown>;
}

/** A whole profile, as PUT and the bulk import write it. */
export type RecipientProfile = Required<RecipientChanges>;

export interface ImportedProfile {
  recipientId: string;
  profile: RecipientProfile;
}

export interface NewPushSubscription {
  endpoint: string;
  p256dh: string;
  auth: string;
}

/**
 * A subscription the push service reported gone, to remove wherever it still is: found by the
 * blind index of its endpoint, which is what sender-push reports (the endpoint is personal data and
 * stays off Kafka). Events written before carry the endpoint itself, and the store indexes it.
 */
export type GoneSubscription = { tenantId: string; recipientId: string } & (
  { endpointIndex: string } | { endpoint: string }
);

export type PushSubscriptionRegistration =
  { outcome: 'recipient-not-found' } | { outcome: 'registered'; created: boolean; recipient: Recipient };

export abstract class RecipientStore {
  /** Creates the recipient or changes the given fields of the existing one. */
  abstract upsert(
    tenantId: string,
    recipientId: string,
    changes: RecipientChanges,
  ): Promise<{ recipient: Recipient; created: boolean }>;

  /**
   * Changes an existing recipient by what `change` makes of it, with the recipient locked in
   * between so that concurrent changes do not lose each other's; `change` may throw to change
   * nothing. Undefined when there is no such recipient.
   */
  abstract update(
    tenantId: string,
    recipientId: string,
    change: (current: Recipient) => RecipientChanges,
  ): Promise<Recipient | undefined>;

  /**
   * Writes whole profiles in bulk (one statement), creating recipients that are new; their push
   * subscriptions stay. The recipient ids must differ. Answers the ids that were created.
   */
  abstract importProfiles(tenantId: string, profiles: readonly ImportedProfile[]): Promise<Set<string>>;

  abstract find(tenantId: string, recipientId: string): Promise<Recipient | undefined>;

  /** Deletes the recipient and its push subscriptions; false when there was no such recipient. */
  abstract delete(tenantId: string, recipientId: string): Promise<boolean>;

  /**
   * Stores the subscription (an endpoint already registered in the tenant moves to this recipient
   * with the new keys) and keeps only the `limit` newest subscriptions of the recipient.
   */
  abstract addPushSubscription(
    tenantId: string,
    recipientId: string,
    subscription: NewPushSubscription,
    limit: number,
  ): Promise<PushSubscriptionRegistration>;

  /** False when the recipient had no subscription with this endpoint. */
  abstract removePushSubscription(tenantId: string, recipientId: string, endpoint: string): Promise<boolean>;

  /** Removes the gone subscriptions in bulk; how many were still there. */
  abstract removeGoneSubscriptions(gone: readonly GoneSubscription[]): Promise<number>;
}

export function toRecipientView(recipient: Recipient): RecipientView {
  return {
    recipientId: recipient.recipientId,
    email: recipient.email,
    phone: recipient.phone,
    timeZone: recipient.timeZone,
    locale: recipient.locale,
    attributes: recipient.attributes,
    pushSubscriptions: recipient.pushSubscriptions.map(({ endpoint, createdAt }) => ({
      endpoint,
      createdAt: createdAt.toISOString(),
    })),
    updatedAt: recipient.updatedAt.toISOString(),
  };
}
