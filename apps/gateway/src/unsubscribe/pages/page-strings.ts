import type { ChannelName } from '@switchboard/contracts';

/** Every text of the public pages in one language; `{category}` is replaced, already escaped. */
export interface PageStrings {
  language: string;
  notFoundTitle: string;
  notFoundText: string;
  unavailableTitle: string;
  unavailableText: string;
  confirmTitle: string;
  confirmText: string;
  confirmButton: string;
  unsubscribedTitle: string;
  unsubscribedText: string;
  unsubscribedAddressText: string;
  managePreferences: string;
  preferencesTitle: string;
  preferencesIntro: string;
  optedOutLabel: string;
  categoryHeading: string;
  receiveHeading: string;
  saveButton: string;
  savedNotice: string;
  invalidNotice: string;
  categories: Record<string, string>;
  channels: Record<ChannelName, string>;
}

const en: PageStrings = {
  language: 'en',
  notFoundTitle: 'This link does not work',
  notFoundText: 'It may be incomplete or out of date. Use the link in a recent email from us.',
  unavailableTitle: 'Please try again in a moment',
  unavailableText: 'We could not reach our service just now. Nothing has been changed.',
  confirmTitle: 'Unsubscribe',
  confirmText: 'Do you want to stop receiving {category} messages?',
  confirmButton: 'Unsubscribe from {category}',
  unsubscribedTitle: 'You are unsubscribed',
  unsubscribedText: 'You will no longer receive {category} messages from us.',
  unsubscribedAddressText: 'This address will no longer receive {category} emails from us.',
  managePreferences: 'Manage all your notification preferences',
  preferencesTitle: 'Your notification preferences',
  preferencesIntro: 'Choose which messages you receive, and on which channels.',
  optedOutLabel: 'Stop every message I am allowed to unsubscribe from',
  categoryHeading: 'Messages',
  receiveHeading: 'Receive',
  saveButton: 'Save preferences',
  savedNotice: 'Your preferences are saved.',
  invalidNotice: 'These preferences could not be saved. Please reload the page and try again.',
  categories: { transactional: 'Account and orders', marketing: 'News and offers', alert: 'Alerts' },
  channels: { email: 'Email', sms: 'SMS', push: 'Push', inapp: 'In-app' },
};

const de: PageStrings = {
  language: 'de',
  notFoundTitle: 'Dieser Link funktioniert nicht',
  notFoundText:
    'Er ist vielleicht unvollständig oder veraltet. Bitte nutzen Sie den Link in einer aktuellen E-Mail von uns.',
  unavailableTitle: 'Bitte versuchen Sie es gleich noch einmal',
  unavailableText: 'Unser Dienst war gerade nicht erreichbar. Es wurde nichts geändert.',
  confirmTitle: 'Abmelden',
  confirmText: 'Möchten Sie keine Nachrichten der Art „{category}“ mehr erhalten?',
  confirmButton: 'Von „{category}“ abmelden',
  unsubscribedTitle: 'Sie sind abgemeldet',
  unsubscribedText: 'Sie erhalten keine Nachrichten der Art „{category}“ mehr von uns.',
  unsubscribedAddressText: 'Diese Adresse erhält keine E-Mails der Art „{category}“ mehr von uns.',
  managePreferences: 'Alle Benachrichtigungseinstellungen verwalten',
  preferencesTitle: 'Ihre Benachrichtigungseinstellungen',
  preferencesIntro: 'Wählen Sie, welche Nachrichten Sie erhalten, und auf welchen Kanälen.',
  optedOutLabel: 'Alle Nachrichten abbestellen, die ich abbestellen darf',
  categoryHeading: 'Nachrichten',
  receiveHeading: 'Erhalten',
  saveButton: 'Einstellungen speichern',
  savedNotice: 'Ihre Einstellungen sind gespeichert.',
  invalidNotice: 'Diese Einstellungen konnten nicht gespeichert werden. Bitte laden Sie die Seite neu.',
  categories: {
    transactional: 'Konto und Bestellungen',
    marketing: 'Neuigkeiten und Angebote',
    alert: 'Warnungen',
  },
  channels: { email: 'E-Mail', sms: 'SMS', push: 'Push', inapp: 'In der App' },
};

const CATALOG: Record<string, PageStrings> = { en, de };
const DEFAULT_LANGUAGE = 'en';

/** The strings for the best language of an Accept-Language header that we have; English otherwise. */
export function pageStringsFor(acceptLanguage: string | undefined): PageStrings {
  return CATALOG[chooseLanguage(acceptLanguage, Object.keys(CATALOG))] ?? en;
}

export function chooseLanguage(acceptLanguage: string | undefined, available: readonly string[]): string {
  if (!acceptLanguage) return DEFAULT_LANGUAGE;
  const ranges = acceptLanguage
    .split(',')
    .slice(0, 20)
    .map((part, index) => {
      const [range, ...parameters] = part.trim().split(';');
      const quality = parameters
        .map((parameter) => /^\s*q=([01](?:\.\d{0,3})?)\s*$/.exec(parameter))
        .find((match) => match !== null);
      return {
        language: range.trim().toLowerCase().split('-')[0],
        quality: quality ? Number(quality[1]) : 1,
        index,
      };
    })
    .filter((range) => range.quality > 0)
    .sort((a, b) => b.quality - a.quality || a.index - b.index);
  return ranges.find((range) => available.includes(range.language))?.language ?? DEFAULT_LANGUAGE;
}

/** A category's name for people: the built-in ones translated, a tenant's own as it is written. */
export function categoryLabel(strings: PageStrings, category: string): string {
  return strings.categories[category] ?? category;
}
