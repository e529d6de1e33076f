import { z } from 'zod';
import { Channel, ChannelPolicy, Channels, Priority, Timestamp } from '../common';

/** A tenant's name for a kind of message (`password-reset`, `weekly-digest`). */
export const MessageTypeKey = z
  .string()
  .min(1)
  .max(64)
  .regex(
    /^[a-z0-9][a-z0-9._-]*$/,
    'must be lower-case letters, digits, ., _ or -, starting with a letter or digit',
  );

/**
 * What preferences and frequency limits group messages by: the built-in `transactional`,
 * `marketing` and `alert`, or a tenant's own (`product-updates`).
 */
export const CategoryName = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z][a-z0-9_-]*$/, 'must be lower-case letters, digits, _ or -, starting with a letter');
export const BUILT_IN_CATEGORIES = ['transactional', 'marketing', 'alert'] as const;

/** A wall-clock time of day, `HH:MM` on a 24-hour clock. */
export const TimeOfDay = z
  .string()
  .regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, 'must be HH:MM (00:00 to 23:59)');

function isIanaTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    // Offsets such as "+02:00" are accepted by Intl but are not zones: they have no rules for DST.
    return /^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/.test(zone);
  } catch {
    return false;
  }
}

/** An IANA time zone such as `Europe/Berlin` (not an offset: offsets know nothing of daylight saving). */
export const TimeZone = z
  .string()
  .min(1)
  .max(64)
  .refine(isIanaTimeZone, { message: 'must be an IANA time zone such as Europe/Berlin' });

function isBcp47Tag(tag: string): boolean {
  try {
    return Intl.getCanonicalLocales(tag).length === 1;
  } catch {
    return false;
  }
}

/** A BCP 47 language tag such as `en`, `de-CH` or `zh-Hans-CN`. */
export const Locale = z
  .string()
  .min(2)
  .max(35)
  .refine(isBcp47Tag, { message: 'must be a BCP 47 language tag such as en-GB' });

/**
 * A daily window in which messages wait (they are deferred to its end, never dropped). A window
 * whose end is earlier than its start runs over midnight (22:00–07:00).
 */
export const QuietHoursWindow = z
  .strictObject({ start: TimeOfDay, end: TimeOfDay })
  .refine((window) => window.start !== window.end, {
    message: 'start and end must differ',
    path: ['end'],
  });

/** A rolling-window limit on how many messages one recipient gets. No category or channel: every message. */
export const FrequencyLimit = z.strictObject({
  category: CategoryName.optional(),
  channel: Channel.optional(),
  limit: z.int().min(1).max(10_000),
  /** The rolling window, in seconds (a minute to 31 days). */
  windowSeconds: z
    .int()
    .min(60)
    .max(31 * 24 * 3600),
});

export const MessageTypeDefinition = z.strictObject({
  category: CategoryName,
  /** The channels to use when a message names none, in order; without them the router's default order. */
  defaultChannels: Channels.optional(),
  channelPolicy: ChannelPolicy.default('fallback'),
  /** Used when a message names no priority. */
  defaultPriority: Priority.default('normal'),
  /** false: the recipient's opt-outs do not apply (security codes, receipts required by law). */
  optOutAllowed: z.boolean().default(true),
  /** 'bypass': sent inside quiet hours too (alerts). */
  quietHours: z.enum(['respect', 'bypass']).default('respect'),
  /** 'exempt': not counted against, and not held by, the tenant's frequency limits. */
  frequencyLimits: z.enum(['apply', 'exempt']).default('apply'),
  /** What happens to a message over a frequency limit: wait until the budget allows, or drop it. */
  overLimit: z.enum(['defer', 'drop']).default('defer'),
  /** The same recipient and content within this many seconds is dropped as a duplicate; 0: no dedup. */
  dedupWindowSeconds: z
    .int()
    .min(0)
    .max(31 * 24 * 3600)
    .default(0),
  description: z.string().max(500).optional(),
});

/** Body of POST /v1/message-types. */
export const CreateMessageTypeRequest = MessageTypeDefinition.extend({ key: MessageTypeKey });
/** Body of PUT /v1/message-types/{key}: the whole definition (a field left out takes its default). */
export const PutMessageTypeRequest = MessageTypeDefinition;

export const MessageTypeView = z.strictObject({
  key: MessageTypeKey,
  category: CategoryName,
  defaultChannels: Channels.nullable(),
  channelPolicy: ChannelPolicy,
  defaultPriority: Priority,
  optOutAllowed: z.boolean(),
  quietHours: z.enum(['respect', 'bypass']),
  frequencyLimits: z.enum(['apply', 'exempt']),
  overLimit: z.enum(['defer', 'drop']),
  dedupWindowSeconds: z.int().min(0),
  description: z.string().nullable(),
  /** True for the built-in type used when a tenant has defined none as its default. */
  builtIn: z.boolean(),
  createdAt: Timestamp.nullable(),
  updatedAt: Timestamp.nullable(),
});
export const MessageTypeListView = z.strictObject({ messageTypes: z.array(MessageTypeView) });

/**
 * The type of a message that names none when the tenant has set no default type: it behaves as
 * messages did before types existed (sent at once, no limits), but a global opt-out still holds.
 */
export const BUILT_IN_MESSAGE_TYPE_KEY = 'default';
export const BUILT_IN_MESSAGE_TYPE: z.infer<typeof MessageTypeDefinition> = {
  category: 'transactional',
  channelPolicy: 'fallback',
  defaultPriority: 'normal',
  optOutAllowed: true,
  quietHours: 'bypass',
  frequencyLimits: 'exempt',
  overLimit: 'defer',
  dedupWindowSeconds: 0,
};

/** Body of PUT /v1/sending-settings: a tenant's rules for every message (fields left out take their default). */
export const SendingSettings = z.strictObject({
  /** The type of messages that name none; null: the built-in type. */
  defaultMessageType: MessageTypeKey.nullable().default(null),
  /** The zone of recipients who have none. */
  timeZone: TimeZone.default('UTC'),
  /** Quiet hours of every recipient who has not set their own; null: none. */
  quietHours: QuietHoursWindow.nullable().default(null),
  frequencyLimits: z.array(FrequencyLimit).max(20).default([]),
  /** ISO 3166-1 alpha-2 region that national phone numbers (without +) are read in; null: E.164 only. */
  phoneRegion: z
    .string()
    .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 region such as US or DE')
    .nullable()
    .default(null),
});
export const SendingSettingsView = SendingSettings.extend({ updatedAt: Timestamp.nullable() });

/** Opt-in/out of one category, and of single channels within it. Absent: opted in. */
export const CategoryPreference = z.strictObject({
  enabled: z.boolean().optional(),
  channels: z.partialRecord(Channel, z.boolean()).optional(),
});

/** Body of PUT /v1/recipients/{id}/preferences (tenant) and of the end-user preferences API. */
export const RecipientPreferences = z.strictObject({
  /** Opted out of every message whose type allows opting out. */
  optedOut: z.boolean().default(false),
  categories: z
    .record(CategoryName, CategoryPreference)
    .refine((categories) => Object.keys(categories).length <= 64, { message: 'at most 64 categories' })
    .default({}),
  /** The order the recipient wants channels tried in; channels not listed follow in the type's order. */
  channelOrder: Channels.nullable().default(null),
  /** The recipient's own quiet hours; 'off': none; null: the tenant's. */
  quietHours: z
    .union([QuietHoursWindow, z.literal('off')])
    .nullable()
    .default(null),
});
export const RecipientPreferencesView = RecipientPreferences.extend({ updatedAt: Timestamp.nullable() });

/** Why the router did not send a message now, as the `rule` of its timeline event. */
export const PolicyRule = z.enum([
  'unknown-message-type',
  'opted-out',
  'suppressed',
  'invalid-address',
  'no-contact-point',
  'frequency-limit',
  'duplicate',
  'quiet-hours',
  'scheduled',
  'cancelled',
]);

export type MessageTypeKeyName = z.infer<typeof MessageTypeKey>;
export type TimeOfDay = z.infer<typeof TimeOfDay>;
export type QuietHoursWindow = z.infer<typeof QuietHoursWindow>;
export type FrequencyLimit = z.infer<typeof FrequencyLimit>;
export type MessageTypeDefinition = z.infer<typeof MessageTypeDefinition>;
export type CreateMessageTypeRequest = z.infer<typeof CreateMessageTypeRequest>;
export type PutMessageTypeRequest = z.infer<typeof PutMessageTypeRequest>;
export type MessageTypeView = z.infer<typeof MessageTypeView>;
export type MessageTypeListView = z.infer<typeof MessageTypeListView>;
export type SendingSettings = z.infer<typeof SendingSettings>;
export type SendingSettingsView = z.infer<typeof SendingSettingsView>;
export type CategoryPreference = z.infer<typeof CategoryPreference>;
export type RecipientPreferences = z.infer<typeof RecipientPreferences>;
export type RecipientPreferencesView = z.infer<typeof RecipientPreferencesView>;
export type PolicyRuleName = z.infer<typeof PolicyRule>;
