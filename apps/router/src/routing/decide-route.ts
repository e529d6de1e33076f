import type {
  ChannelName,
  FrequencyLimit,
  MessageAccepted,
  PolicyRuleName,
  PushSubscription,
  QuietHoursWindow,
  RecipientPreferences,
  SendingSettings,
} from '@switchboard/contracts';
import { canReceiveSms, normaliseEmailAddress } from '@switchboard/addresses';
import { type EffectiveMessageType, optOut, orderChannels, quietHoursEnd } from '@switchboard/sending-policy';

/** Without a channel list in the message or its type, the channels are tried in this order. */
export const DEFAULT_CHANNEL_ORDER: readonly ChannelName[] = ['email', 'push', 'inapp', 'sms'];

/** A render request holds at most this many subscriptions; the newest are kept. */
export const MAX_PUSH_SUBSCRIPTIONS = 20;

/** What the router keeps for the recipient id, if the message named a known one. */
export interface StoredContactPoints {
  email: string | null;
  phone: string | null;
  /** Oldest first. */
  pushSubscriptions: PushSubscription[];
  timeZone?: string | null;
}

/** A channel the message can go to, and where. */
export interface ChannelTarget {
  channel: ChannelName;
  /** Email address, phone number, or the recipient id for push and in-app. */
  address: string;
  /** Push only: the subscriptions to send to. */
  pushSubscriptions?: PushSubscription[];
}

/** The suppression of an address on a channel that holds for messages of a category, if any. */
export type Suppressed = (
  channel: ChannelName,
  address: string,
  category: string,
) => { reason: string } | undefined;

/** The message's type once resolved: its definition, or the key nobody defined. */
export type ResolvedType = EffectiveMessageType | { unknown: string };

/** Sends already made to the recipient, and the claims on content already seen, for the stateful rules. */
export interface PolicyLedger {
  /**
   * Claims the content fingerprint for this message for `windowSeconds`; the id of the earlier
   * message when the same content was claimed within the window (then nothing is claimed).
   */
  claimContent(fingerprint: string, windowSeconds: number): string | undefined;
  /**
   * Whether sends on these channels fit every frequency limit now; records them when they do
   * (all or none, so that a message sent on several channels is counted on each or not at all).
   * nextAllowedAt is null when they can never fit together (a limit smaller than the channels).
   */
  spend(
    channels: readonly ChannelName[],
    category: string,
    limits: readonly FrequencyLimit[],
  ): { allowed: true } | { allowed: false; limit: FrequencyLimit; nextAllowedAt: Date | null };
}

export interface RouteFacts {
  message: Pick<MessageAccepted, 'recipient' | 'sendAt' | 'channels' | 'channelPolicy'>;
  type: ResolvedType;
  settings: SendingSettings;
  preferences?: RecipientPreferences;
  stored?: StoredContactPoints;
  suppressed?: Suppressed;
  cancelled?: boolean;
  /** The content fingerprint for the type's dedup window (computed by the caller, which knows the content). */
  fingerprint?: string;
  /** The ledger of the recipient; absent: the dedup and frequency rules are not checked. */
  ledger?: PolicyLedger;
  /** A deferred message whose time has come is decided again: its own schedule no longer holds it. */
  released?: boolean;
  now: Date;
}

export type RouteDecision =
  | { decision: 'cancelled'; rule: 'cancelled'; reason: string }
  | { decision: 'skipped'; rule: PolicyRuleName; reason: string; channel?: ChannelName; address?: string }
  | { decision: 'deferred'; rule: PolicyRuleName; targets: ChannelTarget[]; reason: string; dueAt: Date }
  | { decision: 'routed'; targets: ChannelTarget[]; orderedByPreference: boolean };

export type RouteDecisionName = RouteDecision['decision'];

interface Unavailable {
  channel: ChannelName;
  address?: string;
  rule: PolicyRuleName;
  reason: string;
}

// When several channels were unavailable for different reasons, the timeline names the most
// decisive one: a person's choice first, then the tenant's list, then the data.
const RULE_WEIGHT: Partial<Record<PolicyRuleName, number>> = {
  'opted-out': 4,
  suppressed: 3,
  'invalid-address': 2,
  'no-contact-point': 1,
};

/**
 * Where and when a message goes, decided in this fixed order (the first rule that applies wins):
 * 1. cancelled by the tenant → cancelled;
 * 2. a type nobody defined → skipped (`unknown-message-type`);
 * 3. the candidate channels: the message's own list, else its type's defaults (or
 *    DEFAULT_CHANNEL_ORDER) ordered by the recipient's preferred order and limited to the channels
 *    the recipient has a contact point for; a candidate drops out when it has no contact point, its
 *    address is invalid or cannot take the channel (a fixed line for SMS), the recipient opted out
 *    of the type's category on it (when the type allows opting out), or the address is suppressed
 *    (for every category or the type's); none left → skipped with the most decisive rule;
 * 4. the same content within the type's dedup window → skipped (`duplicate`);
 * 5. sendAt in the future → deferred until then (`scheduled`);
 * 6. inside the recipient's quiet hours (their own, else the tenant's, in their time zone, else the
 *    tenant's zone) and the type respects them → deferred to the window's end (`quiet-hours`);
 * 7. over a frequency limit of the tenant, for a type the limits apply to → deferred until the
 *    budget allows, or skipped, per the type (`frequency-limit`);
 * 8. otherwise → routed to the remaining candidates in order (the channel policy decides whether
 *    the first or all of them are used); only now are sends counted against the limits.
 */
export function decideRoute(facts: RouteFacts): RouteDecision {
  const { message, type, now } = facts;
  if (facts.cancelled) return { decision: 'cancelled', rule: 'cancelled', reason: 'cancelled by the tenant' };
  if ('unknown' in type) {
    return {
      decision: 'skipped',
      rule: 'unknown-message-type',
      reason: `unknown message type "${type.unknown}"`,
    };
  }
  const definition = type.definition;

  const contacts = contactPoints(message.recipient, facts.stored);
  const explicit = message.channels !== undefined;
  const ordered = orderChannels({
    ...(message.channels === undefined ? {} : { explicit: message.channels }),
    typeDefaults: definition.defaultChannels ?? null,
    preferredOrder: facts.preferences?.channelOrder ?? null,
    fallbackOrder: DEFAULT_CHANNEL_ORDER,
  });
  const considered = ordered.filter((channel) => explicit || contacts.get(channel) !== undefined);
  if (considered.length === 0) considered.push(...ordered);
  const orderedByPreference =
    !explicit &&
    ordered.join() !==
      orderChannels({
        typeDefaults: definition.defaultChannels ?? null,
        fallbackOrder: DEFAULT_CHANNEL_ORDER,
      }).join();

  const suppressed = facts.suppressed ?? (() => undefined);
  const targets: ChannelTarget[] = [];
  const unavailable: Unavailable[] = [];
  for (const channel of considered) {
    const contact = contacts.get(channel);
    if (contact === undefined) {
      unavailable.push({ channel, rule: 'no-contact-point', reason: MISSING_CONTACT_POINT[channel] });
      continue;
    }
    const { target, addressProblem } = checkAddress(contact);
    const optedOut = definition.optOutAllowed
      ? optOut(facts.preferences, definition.category, channel)
      : undefined;
    const suppression = suppressed(channel, target.address, definition.category);
    if (addressProblem !== undefined) {
      unavailable.push({
        channel,
        address: target.address,
        rule: 'invalid-address',
        reason: `invalid address: ${addressProblem}`,
      });
    } else if (optedOut !== undefined) {
      unavailable.push({ channel, address: target.address, rule: 'opted-out', reason: optedOut.reason });
    } else if (suppression !== undefined) {
      unavailable.push({
        channel,
        address: target.address,
        rule: 'suppressed',
        reason: `suppressed: ${suppression.reason}`,
      });
    } else {
      targets.push(target);
    }
  }

  if (targets.length === 0) return skippedFor(unavailable);

  if (
    facts.ledger &&
    facts.fingerprint !== undefined &&
    definition.dedupWindowSeconds > 0 &&
    !facts.released
  ) {
    const earlier = facts.ledger.claimContent(facts.fingerprint, definition.dedupWindowSeconds);
    if (earlier !== undefined) {
      return {
        decision: 'skipped',
        rule: 'duplicate',
        reason: `duplicate of message ${earlier} within ${definition.dedupWindowSeconds}s`,
      };
    }
  }

  if (message.sendAt !== undefined && !facts.released) {
    const dueAt = new Date(message.sendAt);
    if (dueAt.getTime() > now.getTime()) {
      return {
        decision: 'deferred',
        rule: 'scheduled',
        targets,
        reason: `scheduled for ${dueAt.toISOString()}`,
        dueAt,
      };
    }
  }

  if (definition.quietHours === 'respect') {
    const window = quietHoursOf(facts.preferences, facts.settings);
    const timeZone = facts.stored?.timeZone ?? facts.settings.timeZone;
    const windowEnd = window === undefined ? undefined : quietHoursEnd(now, window, timeZone);
    if (window !== undefined && windowEnd !== undefined) {
      return {
        decision: 'deferred',
        rule: 'quiet-hours',
        targets,
        reason: `quiet hours ${window.start}–${window.end} ${timeZone} until ${windowEnd.toISOString()}`,
        dueAt: windowEnd,
      };
    }
  }

  const policy = message.channelPolicy ?? definition.channelPolicy;
  if (facts.ledger && definition.frequencyLimits === 'apply' && facts.settings.frequencyLimits.length > 0) {
    const used = policy === 'all' ? targets : targets.slice(0, 1);
    const verdict = facts.ledger.spend(
      used.map((target) => target.channel),
      definition.category,
      facts.settings.frequencyLimits,
    );
    if (!verdict.allowed) {
      const limit = describeLimit(verdict.limit);
      if (definition.overLimit === 'drop' || verdict.nextAllowedAt === null) {
        return { decision: 'skipped', rule: 'frequency-limit', reason: `over the frequency limit: ${limit}` };
      }
      return {
        decision: 'deferred',
        rule: 'frequency-limit',
        targets,
        reason: `over the frequency limit: ${limit}; waits until ${verdict.nextAllowedAt.toISOString()}`,
        // Never before a second from now, so that a deferral cannot come due again at once.
        dueAt: new Date(Math.max(verdict.nextAllowedAt.getTime(), now.getTime() + 1000)),
      };
    }
  }

  return { decision: 'routed', targets, orderedByPreference };
}

function skippedFor(unavailable: Unavailable[]): RouteDecision {
  if (unavailable.length === 1) {
    const [only] = unavailable;
    return {
      decision: 'skipped',
      rule: only.rule,
      channel: only.channel,
      ...(only.address === undefined ? {} : { address: only.address }),
      reason: only.reason,
    };
  }
  const decisive = unavailable.reduce((best, next) =>
    (RULE_WEIGHT[next.rule] ?? 0) > (RULE_WEIGHT[best.rule] ?? 0) ? next : best,
  );
  return {
    decision: 'skipped',
    rule: decisive.rule,
    reason: unavailable.map(({ channel, reason }) => `${channel}: ${reason}`).join('; '),
  };
}

function quietHoursOf(
  preferences: RecipientPreferences | undefined,
  settings: SendingSettings,
): QuietHoursWindow | undefined {
  const own = preferences?.quietHours ?? null;
  if (own === 'off') return undefined;
  return own ?? settings.quietHours ?? undefined;
}

function describeLimit(limit: FrequencyLimit): string {
  const scope = [limit.category, limit.channel].filter((part) => part !== undefined).join(' ');
  return `${limit.limit} ${scope === '' ? 'message' : `${scope} message`}${limit.limit === 1 ? '' : 's'} per ${limit.windowSeconds}s`;
}

/** What keeps an address from taking its channel; an email address comes back cleaned (an internationalised domain in ASCII). */
function checkAddress(target: ChannelTarget): { target: ChannelTarget; addressProblem?: string } {
  if (target.channel === 'email') {
    const checked = normaliseEmailAddress(target.address);
    return checked.ok
      ? { target: { ...target, address: checked.value.address } }
      : { target, addressProblem: `the address ${checked.problem}` };
  }
  if (target.channel === 'sms' && !canReceiveSms(target.address)) {
    return { target, addressProblem: 'the number cannot receive SMS (a fixed line)' };
  }
  return { target };
}

const MISSING_CONTACT_POINT: Record<ChannelName, string> = {
  email: 'no email address',
  sms: 'no phone number',
  push: 'no push subscription',
  inapp: 'no recipient id',
};

function contactPoints(
  recipient: MessageAccepted['recipient'],
  stored: StoredContactPoints | undefined,
): Map<ChannelName, ChannelTarget> {
  const contacts = new Map<ChannelName, ChannelTarget>();
  const email = recipient.email ?? stored?.email ?? undefined;
  if (email) contacts.set('email', { channel: 'email', address: email });
  const phone = recipient.phone ?? stored?.phone ?? undefined;
  if (phone) contacts.set('sms', { channel: 'sms', address: phone });
  if (recipient.id !== undefined) {
    const subscriptions = stored?.pushSubscriptions ?? [];
    if (subscriptions.length > 0) {
      contacts.set('push', {
        channel: 'push',
        address: recipient.id,
        pushSubscriptions: subscriptions.slice(-MAX_PUSH_SUBSCRIPTIONS),
      });
    }
    contacts.set('inapp', { channel: 'inapp', address: recipient.id });
  }
  return contacts;
}
