import type { LinkKeyring } from '@switchboard/security';
import {
  type PreferenceLinkSubject,
  preferencesOf,
  type PreferencesOfRecipient,
  readPreferenceLink,
} from './preference-link';
import type { StoredPreferences } from './preference-page-form';

export type PreferencePageView =
  | { outcome: 'not-found' }
  | { outcome: 'page'; subject: PreferenceLinkSubject; preferences: StoredPreferences };

/** The hosted preference page of the recipient a signed link names. */
export class ShowPreferencePage {
  constructor(
    private readonly keyring: LinkKeyring | undefined,
    private readonly preferences: Pick<PreferencesOfRecipient, 'get'>,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async execute(token: string): Promise<PreferencePageView> {
    const subject = readPreferenceLink(token, this.keyring, this.now());
    if (!subject) return { outcome: 'not-found' };
    const preferences = preferencesOf(await this.preferences.get(subject.tenantId, subject.recipientId));
    if (!preferences) return { outcome: 'not-found' };
    return { outcome: 'page', subject, preferences };
  }
}
