import {
  BUILT_IN_CATEGORIES,
  Channel,
  type ChannelName,
  type CategoryPreference,
  RecipientPreferences,
  type RecipientPreferencesView,
  validate,
  type ValidationProblem,
} from '@switchboard/contracts';
import { z } from 'zod';

export const CHANNELS: readonly ChannelName[] = Channel.options;

/**
 * The fields of the page's form as the browser sends them: `optedOut`, one hidden `category` per
 * row shown, `enabled.<category>` and `channel.<category>.<channel>` checkboxes (a checkbox left
 * unticked is not sent at all, hence the hidden list of rows).
 */
export const PreferencePageFormFields = z.record(
  z.string().max(200),
  z.union([z.string().max(200), z.array(z.string().max(200)).max(100)]),
);
export type PreferencePageFormFields = z.infer<typeof PreferencePageFormFields>;

export type StoredPreferences = Omit<RecipientPreferencesView, 'updatedAt'>;

/** The rows of the page: the built-in categories, the link's, then any other the recipient has, in order. */
export function categoriesShown(preferences: StoredPreferences, linkCategory: string): string[] {
  const own = Object.keys(preferences.categories).sort();
  return [...new Set<string>([...BUILT_IN_CATEGORIES, linkCategory, ...own])];
}

/**
 * The preferences a submitted form asks for: the rows it showed replaced, other categories,
 * the channel order and quiet hours kept as they were. Checked by the shared contract, so a
 * forged row name is refused with the field named.
 */
export function preferencesFromForm(
  body: unknown,
  current: StoredPreferences,
): { ok: true; preferences: RecipientPreferences } | { ok: false; problems: ValidationProblem[] } {
  const fields = validate(PreferencePageFormFields, body ?? {});
  if (!fields.ok) return fields;
  const value = fields.value;
  const rows = [value.category ?? []].flat();
  const categories: Record<string, CategoryPreference> = { ...current.categories };
  for (const category of rows) {
    const channelsOff = CHANNELS.filter((channel) => value[`channel.${category}.${channel}`] !== 'on');
    categories[category] = {
      enabled: value[`enabled.${category}`] === 'on',
      ...(channelsOff.length > 0
        ? { channels: Object.fromEntries(channelsOff.map((channel) => [channel, false])) }
        : {}),
    };
  }
  const preferences = validate(RecipientPreferences, {
    optedOut: value.optedOut === 'on',
    categories,
    channelOrder: current.channelOrder,
    quietHours: current.quietHours,
  });
  return preferences.ok ? { ok: true, preferences: preferences.value } : preferences;
}

/** Whether a row's box for the category, or for one of its channels, shows ticked. */
export function isReceiving(
  preferences: StoredPreferences,
  category: string,
  channel?: ChannelName,
): boolean {
  const preference = preferences.categories[category];
  if (channel === undefined) return preference?.enabled !== false;
  return preference?.channels?.[channel] !== false;
}
