import {
  type ChannelName,
  RecipientPreferences,
  type RecipientPreferencesView,
} from '@switchboard/contracts';

/** A recipient's preferences as stored; `updatedAt` null: never set, the defaults apply. */
export interface StoredPreferences {
  preferences: RecipientPreferences;
  updatedAt: Date | null;
}

export interface RecipientKey {
  tenantId: string;
  recipientId: string;
}

export type OptOutOutcome =
  | { outcome: 'opted-out'; stored: StoredPreferences }
  | { outcome: 'recipient-not-found' }
  /** The recipient already has preferences for as many categories as allowed, and not for this one. */
  | { outcome: 'too-many-categories' };

/** The preferences of a recipient who has set none: opted in to everything, the tenant's quiet hours. */
export const DEFAULT_PREFERENCES: Readonly<RecipientPreferences> = deepFreeze(RecipientPreferences.parse({}));

/** Categories one recipient may have preferences for (RecipientPreferences refuses more). */
export const MAX_CATEGORIES = 64;

/** The key of a recipient in the map `PreferenceStore.findMany` answers. */
export function preferencesKey(tenantId: string, recipientId: string): string {
  return JSON.stringify([tenantId, recipientId]);
}

/** Preferences per recipient, owned by the router, which decides with them. */
export abstract class PreferenceStore {
  /** undefined: the tenant has no such recipient; a recipient with none stored gets the defaults. */
  abstract find(tenantId: string, recipientId: string): Promise<StoredPreferences | undefined>;

  /** Replaces every preference of the recipient; undefined: the tenant has no such recipient. */
  abstract put(
    tenantId: string,
    recipientId: string,
    preferences: RecipientPreferences,
  ): Promise<StoredPreferences | undefined>;

  /**
   * Opts the recipient out of a category, or of one channel within it, in one atomic statement that
   * keeps every other preference (two concurrent opt-outs both hold); repeating it changes nothing.
   */
  abstract optOutOfCategory(
    tenantId: string,
    recipientId: string,
    category: string,
    channel?: ChannelName,
  ): Promise<OptOutOutcome>;

  /**
   * The stored preferences of many recipients in one query, keyed by `preferencesKey`. A recipient
   * who has set none is absent from the map: DEFAULT_PREFERENCES apply.
   */
  abstract findMany(keys: readonly RecipientKey[]): Promise<Map<string, RecipientPreferences>>;
}

// Shared by every recipient without preferences, so no caller may change it for the others.
function deepFreeze<T extends object>(value: T): Readonly<T> {
  for (const inner of Object.values(value))
    if (typeof inner === 'object' && inner !== null) deepFreeze(inner);
  return Object.freeze(value);
}

export function toPreferencesView(stored: StoredPreferences): RecipientPreferencesView {
  return { ...stored.preferences, updatedAt: stored.updatedAt?.toISOString() ?? null };
}
