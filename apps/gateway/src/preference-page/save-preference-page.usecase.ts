import type { ValidationProblem } from '@switchboard/contracts';
import type { LinkKeyring } from '@switchboard/security';
import {
  type PreferenceLinkSubject,
  preferencesOf,
  type PreferencesOfRecipient,
  readPreferenceLink,
} from './preference-link';
import { preferencesFromForm, type StoredPreferences } from './preference-page-form';

export type SavePreferencePageOutcome =
  | { outcome: 'not-found' }
  | { outcome: 'saved'; subject: PreferenceLinkSubject; preferences: StoredPreferences }
  /** The form was not one our page sends; the stored preferences are unchanged and shown again. */
  | {
      outcome: 'invalid';
      subject: PreferenceLinkSubject;
      preferences: StoredPreferences;
      problems: ValidationProblem[];
    };

/**
 * Saves the hosted preference page's form: the current preferences are read first so that what
 * the page does not show (channel order, quiet hours, categories not listed) is kept.
 */
export class SavePreferencePage {
  constructor(
    private readonly keyring: LinkKeyring | undefined,
    private readonly preferences: PreferencesOfRecipient,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async execute(token: string, form: unknown): Promise<SavePreferencePageOutcome> {
    const subject = readPreferenceLink(token, this.keyring, this.now());
    if (!subject) return { outcome: 'not-found' };
    const { tenantId, recipientId } = subject;
    const current = preferencesOf(await this.preferences.get(tenantId, recipientId));
    if (!current) return { outcome: 'not-found' };
    const wanted = preferencesFromForm(form, current);
    if (!wanted.ok) return { outcome: 'invalid', subject, preferences: current, problems: wanted.problems };
    const saved = preferencesOf(await this.preferences.put(tenantId, recipientId, wanted.preferences));
    if (!saved) return { outcome: 'not-found' };
    return { outcome: 'saved', subject, preferences: saved };
  }
}
