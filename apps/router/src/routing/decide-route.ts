import type { ChannelName, MessageAccepted, PushSubscription } from '@switchboard/contracts';
import { emailAddressProblem } from './email-address';

/** Without a channel list in the message, the channels are tried in this order. */
export const DEFAULT_CHANNEL_ORDER: readonly ChannelName[] = ['email', 'push', 'inapp', 'sms'];

/** A render request holds at most this many subscriptions; the newest are kept. */
export const MAX_PUSH_SUBSCRIPTIONS = 20;

/** The contact points the router keeps for the recipient id, if the message named a known one. */
export interface StoredContactPoints {
  email: string | null;
  phone: string | null;
  /** Oldest first. */
  pushSubscriptions: PushSubscription[];
}

/** A channel the message can go to, and where. */
export interface ChannelTarget {
  channel: ChannelName;
  /** Email address, phone number, or the recipient id for push and in-app. */
  address: string;
  /** Push only: the subscriptions to send to. */
  pushSubscriptions?: PushSubscription[];
}

export type Suppressed = (channel: ChannelName, address: string) => { reason: string } | undefined;

export interface RouteFacts {
  message: Pick<MessageAccepted, 'recipient' | 'sendAt' | 'channels'>;
  stored?: StoredContactPoints;
  /** The suppression on an address for a channel, if there is one. */
  suppressed?: Suppressed;
  now: Date;
}

export type RouteDecision =
  | { decision: 'skipped'; reason: string; channel?: ChannelName; address?: string }
  | { decision: 'deferred'; targets: ChannelTarget[]; reason: string; dueAt: Date }
  | { decision: 'routed'; targets: ChannelTarget[] };

export type RouteDecisionName = RouteDecision['decision'];

/**
 * Where a message goes, decided in this fixed order (the first rule that applies wins):
 * 1. the candidate channels: the message's own list, else DEFAULT_CHANNEL_ORDER limited to the
 *    channels the recipient has a contact point for; inline addresses win over stored ones;
 * 2. a candidate drops out when its address is invalid ("invalid address: <problem>") or
 *    suppressed on that channel ("suppressed: <reason>"), or it has no contact point;
 * 3. no candidate left → skipped, the reason naming why each channel was unavailable (just the
 *    reason when only one channel was considered);
 * 4. sendAt is in the future → deferred until then;
 * 5. otherwise → routed to the remaining candidates in order (the channel policy decides whether
 *    the first or all of them are used).
 */
export function decideRoute({
  message,
  stored,
  suppressed = () => undefined,
  now,
}: RouteFacts): RouteDecision {
  const contacts = contactPoints(message.recipient, stored);
  const explicit = message.channels !== undefined;
  const considered = (message.channels ?? DEFAULT_CHANNEL_ORDER).filter(
    (channel) => explicit || contacts.get(channel) !== undefined,
  );
  if (considered.length === 0) considered.push(...DEFAULT_CHANNEL_ORDER);

  const targets: ChannelTarget[] = [];
  const unavailable: Array<{ channel: ChannelName; address?: string; reason: string }> = [];
  for (const channel of considered) {
    const target = contacts.get(channel);
    if (target === undefined) {
      unavailable.push({ channel, reason: MISSING_CONTACT_POINT[channel] });
      continue;
    }
    const addressProblem = channel === 'email' ? emailAddressProblem(target.address) : undefined;
    const suppression = suppressed(channel, target.address);
    if (addressProblem !== undefined) {
      unavailable.push({ channel, address: target.address, reason: `invalid address: ${addressProblem}` });
    } else if (suppression) {
      unavailable.push({ channel, address: target.address, reason: `suppressed: ${suppression.reason}` });
    } else {
      targets.push(target);
    }
  }

  if (targets.length === 0) {
    if (unavailable.length === 1) {
      const [only] = unavailable;
      return {
        decision: 'skipped',
        channel: only.channel,
        ...(only.address === undefined ? {} : { address: only.address }),
        reason: only.reason,
      };
    }
    return {
      decision: 'skipped',
      reason: unavailable.map(({ channel, reason }) => `${channel}: ${reason}`).join('; '),
    };
  }
  if (message.sendAt !== undefined) {
    const dueAt = new Date(message.sendAt);
    if (dueAt.getTime() > now.getTime()) {
      return { decision: 'deferred', targets, reason: `scheduled for ${dueAt.toISOString()}`, dueAt };
    }
  }
  return { decision: 'routed', targets };
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
