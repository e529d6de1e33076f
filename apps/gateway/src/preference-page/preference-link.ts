import { RecipientPreferencesView } from '@switchboard/contracts';
import { type LinkKeyring, verifyLink } from '@switchboard/security';
import type { UpstreamAnswer } from '../internal-services/internal-service-client';
import type { StoredPreferences } from './preference-page-form';

/** The router's preferences API, as the gateway's preference client offers it. */
export interface PreferencesOfRecipient {
  get(tenantId: string, recipientId: string): Promise<UpstreamAnswer>;
  put(tenantId: string, recipientId: string, preferences: StoredPreferences): Promise<UpstreamAnswer>;
}

export interface PreferenceLinkSubject {
  tenantId: string;
  recipientId: string;
  category: string;
}

/** The recipient a preference page token opens, or undefined for anything not genuine and current. */
export function readPreferenceLink(
  token: string,
  keyring: LinkKeyring | undefined,
  now: Date,
): PreferenceLinkSubject | undefined {
  if (!keyring) return undefined;
  const verification = verifyLink(token, 'preferences', keyring, now);
  if (!verification.valid || !('recipientId' in verification.link)) return undefined;
  const { tenantId, recipientId, category } = verification.link;
  return { tenantId, recipientId, category };
}

/** The stored preferences from a router answer; undefined when the router does not know the recipient. */
export function preferencesOf(answer: UpstreamAnswer): StoredPreferences | undefined {
  if (answer.status !== 200) return undefined;
  // The client checked the answer against the contract; parsing again gives it its type.
  const view = RecipientPreferencesView.parse(answer.body);
  return {
    optedOut: view.optedOut,
    categories: view.categories,
    channelOrder: view.channelOrder,
    quietHours: view.quietHours,
  };
}
