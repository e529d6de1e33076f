import type { ChannelName, RecipientPreferences } from '@switchboard/contracts';

export interface ChannelOrderInput {
  /** The channels the message names: kept as given, the caller asked for exactly these. */
  explicit?: readonly ChannelName[];
  /** The message type's default channels; null or absent: `fallbackOrder`. */
  typeDefaults?: readonly ChannelName[] | null;
  /** The recipient's preferred order. */
  preferredOrder?: readonly ChannelName[] | null;
  /** The platform's order when the type names no channels. */
  fallbackOrder: readonly ChannelName[];
}

/**
 * The channels to try, in order. Without an explicit list, the type's channels are re-ordered so
 * that those the recipient prefers come first in the recipient's order and the others follow in
 * the type's order; a preferred channel the type does not use is not added.
 */
export function orderChannels(input: ChannelOrderInput): ChannelName[] {
  if (input.explicit !== undefined && input.explicit.length > 0) return [...input.explicit];
  const base = input.typeDefaults && input.typeDefaults.length > 0 ? input.typeDefaults : input.fallbackOrder;
  const preferred = [...new Set(input.preferredOrder ?? [])].filter((channel) => base.includes(channel));
  const rest = base.filter((channel) => !preferred.includes(channel));
  return [...preferred, ...rest];
}

export interface OptOut {
  scope: 'global' | 'category' | 'channel';
  reason: string;
}

/**
 * Why the recipient does not want messages of this category on this channel, or undefined when
 * they do. The caller asks only for types that allow opting out (a security code does not).
 */
export function optOut(
  preferences: Pick<RecipientPreferences, 'optedOut' | 'categories'> | undefined,
  category: string,
  channel: ChannelName,
): OptOut | undefined {
  if (!preferences) return undefined;
  if (preferences.optedOut) return { scope: 'global', reason: 'opted out of every message' };
  // Own keys only: a category may well be called "constructor".
  const categoryPreference = Object.hasOwn(preferences.categories, category)
    ? preferences.categories[category]
    : undefined;
  if (categoryPreference?.enabled === false) return { scope: 'category', reason: `opted out of ${category}` };
  if (categoryPreference?.channels?.[channel] === false) {
    return { scope: 'channel', reason: `opted out of ${category} by ${channel}` };
  }
  return undefined;
}
