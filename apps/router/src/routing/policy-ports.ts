import { type RecipientPreferences, SendingSettings } from '@switchboard/contracts';
import type { TenantSendingPolicy } from '../sending-settings/sending-policy-source';

export type { TenantSendingPolicy };

/** The sending policy of every tenant of a batch, in as few queries as the source can. */
export interface SendingPolicyLookup {
  forTenants(tenantIds: readonly string[]): Promise<Map<string, TenantSendingPolicy>>;
}

/** Recipients' preferences, keyed by preferencesKey(tenantId, recipientId); absent: the defaults. */
export interface PreferenceLookup {
  findMany(
    keys: Array<{ tenantId: string; recipientId: string }>,
  ): Promise<Map<string, RecipientPreferences>>;
}

/** The RFC 8058 links of an email of an opt-outable category; undefined when links are not configured. */
export interface UnsubscribeLinkFactory {
  forEmail(subject: {
    tenantId: string;
    recipientId?: string;
    address: string;
    category: string;
  }): { url: string; preferencesUrl?: string } | undefined;
}

/** A tenant that has set nothing: the defaults of every setting and no types of its own. */
export const DEFAULT_SENDING_POLICY: TenantSendingPolicy = {
  settings: SendingSettings.parse({}),
  types: new Map(),
};

/** Routing without any tenant policy stored: every tenant has the defaults. */
export const NO_SENDING_POLICY: SendingPolicyLookup = {
  forTenants: async () => new Map(),
};
export const NO_PREFERENCES: PreferenceLookup = { findMany: async () => new Map() };
