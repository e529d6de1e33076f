import { type MessageAccepted, type RecipientPreferences } from '@switchboard/contracts';
import {
  type ContactPointLookup,
  contactPointsKey,
  type RecipientContactPoints,
} from '../recipients/contact-point-lookup';
import { preferencesKey } from '../preferences/preference';
import type { RecipientStore } from '../recipients/recipient';
import { type SuppressionLookup, SuppressionIndex, type SuppressionStore } from '../suppressions/suppression';
import type { StoredContactPoints, Suppressed } from './decide-route';
import {
  DEFAULT_SENDING_POLICY,
  NO_PREFERENCES,
  NO_SENDING_POLICY,
  type PreferenceLookup,
  type SendingPolicyLookup,
  type TenantSendingPolicy,
} from './policy-ports';

/** Everything the rules read about a batch's messages, loaded in bulk before deciding. */
export interface PolicyFacts {
  policyOf(tenantId: string): TenantSendingPolicy;
  storedOf(message: MessageAccepted): StoredContactPoints | undefined;
  preferencesOf(message: MessageAccepted): RecipientPreferences | undefined;
  suppressedFor(message: MessageAccepted): Suppressed;
}

export interface PolicySources {
  suppressions: Pick<SuppressionStore, 'findFor'>;
  recipients: ContactPointLookup;
  policy: SendingPolicyLookup;
  preferences: PreferenceLookup;
}

/** Loads a batch's facts: one query per kind of fact, whatever the batch's size (recipients excepted). */
export class LoadPolicyFacts {
  constructor(private readonly sources: PolicySources) {}

  async execute(messages: MessageAccepted[]): Promise<PolicyFacts> {
    const recipientKeys = new Map<string, { tenantId: string; recipientId: string }>();
    for (const message of messages) {
      if (message.recipient.id !== undefined) {
        recipientKeys.set(contactPointsKey(message.tenantId, message.recipient.id), {
          tenantId: message.tenantId,
          recipientId: message.recipient.id,
        });
      }
    }
    const [policies, stored, preferences] = await Promise.all([
      this.sources.policy.forTenants([...new Set(messages.map((message) => message.tenantId))]),
      this.storedContactPoints([...recipientKeys.values()]),
      this.sources.preferences.findMany([...recipientKeys.values()]),
    ]);
    const suppressions = await this.suppressionsFor(messages, stored);
    return {
      policyOf: (tenantId) => policies.get(tenantId) ?? DEFAULT_SENDING_POLICY,
      storedOf: (message) =>
        message.recipient.id === undefined
          ? undefined
          : stored.get(contactPointsKey(message.tenantId, message.recipient.id)),
      preferencesOf: (message) =>
        message.recipient.id === undefined
          ? undefined
          : preferences.get(preferencesKey(message.tenantId, message.recipient.id)),
      suppressedFor: (message) => (channel, address, category) =>
        suppressions.find({ tenantId: message.tenantId, channel, address }, category),
    };
  }

  private async storedContactPoints(
    keys: Array<{ tenantId: string; recipientId: string }>,
  ): Promise<Map<string, StoredContactPoints>> {
    const found = new Map<string, StoredContactPoints>();
    for (const [key, recipient] of await this.sources.recipients.findMany(keys)) {
      found.set(key, {
        email: recipient.email,
        phone: recipient.phone,
        timeZone: recipient.timeZone,
        pushSubscriptions: recipient.pushSubscriptions.map(({ endpoint, p256dh, auth }) => ({
          endpoint,
          keys: { p256dh, auth },
        })),
      });
    }
    return found;
  }

  /** One query for the suppressions of every address any message of the batch could go to. */
  private async suppressionsFor(
    messages: MessageAccepted[],
    stored: Map<string, StoredContactPoints>,
  ): Promise<SuppressionIndex> {
    const lookups: SuppressionLookup[] = [];
    for (const message of messages) {
      const { tenantId, recipient } = message;
      const contacts =
        recipient.id === undefined ? undefined : stored.get(contactPointsKey(tenantId, recipient.id));
      const email = recipient.email ?? contacts?.email;
      const phone = recipient.phone ?? contacts?.phone;
      if (email) lookups.push({ tenantId, channel: 'email', address: email });
      if (phone) lookups.push({ tenantId, channel: 'sms', address: phone });
      if (recipient.id !== undefined) {
        lookups.push({ tenantId, channel: 'push', address: recipient.id });
        lookups.push({ tenantId, channel: 'inapp', address: recipient.id });
      }
    }
    return new SuppressionIndex(await this.sources.suppressions.findFor(lookups));
  }
}

/** Facts from the given stores with no tenant policy or preferences stored (specs). */
export function loadFactsWithoutPolicy(
  suppressions: Pick<SuppressionStore, 'findFor'>,
  recipients: Pick<RecipientStore, 'find'>,
): LoadPolicyFacts {
  return new LoadPolicyFacts({
    suppressions,
    recipients: contactPointsOf(recipients),
    policy: NO_SENDING_POLICY,
    preferences: NO_PREFERENCES,
  });
}

/** A lookup over a store's one-by-one find, for specs without a database. */
export function contactPointsOf(recipients: Pick<RecipientStore, 'find'>): ContactPointLookup {
  return {
    findMany: async (keys) => {
      const found = new Map<string, RecipientContactPoints>();
      for (const { tenantId, recipientId } of keys) {
        const recipient = await recipients.find(tenantId, recipientId);
        if (recipient) found.set(contactPointsKey(tenantId, recipientId), recipient);
      }
      return found;
    },
  };
}
