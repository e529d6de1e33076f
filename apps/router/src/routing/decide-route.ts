import type { MessageAccepted } from '@switchboard/contracts';
import { emailAddressProblem } from './email-address';

export interface RouteFacts {
  message: Pick<MessageAccepted, 'recipient' | 'sendAt'>;
  /** The suppression on the recipient's address for this channel, if there is one. */
  suppression?: { reason: string };
  now: Date;
}

export type RouteDecision =
  | { decision: 'skipped'; channel: 'email'; address: string; reason: string }
  | { decision: 'deferred'; channel: 'email'; address: string; reason: string; dueAt: Date }
  | { decision: 'routed'; channel: 'email'; address: string };

export type RouteDecisionName = RouteDecision['decision'];

/**
 * Where a message goes, decided in this fixed order (the first rule that applies wins):
 * 1. the address is invalid → skipped "invalid address: <problem>";
 * 2. the address is suppressed on the channel → skipped "suppressed: <reason>";
 * 3. sendAt is in the future → deferred until then;
 * 4. otherwise → routed to email at the recipient's address.
 */
export function decideRoute({ message, suppression, now }: RouteFacts): RouteDecision {
  const channel = 'email';
  const address = message.recipient.email;
  const addressProblem = emailAddressProblem(address);
  if (addressProblem !== undefined) {
    return { decision: 'skipped', channel, address, reason: `invalid address: ${addressProblem}` };
  }
  if (suppression) {
    return { decision: 'skipped', channel, address, reason: `suppressed: ${suppression.reason}` };
  }
  if (message.sendAt !== undefined) {
    const dueAt = new Date(message.sendAt);
    if (dueAt.getTime() > now.getTime()) {
      return {
        decision: 'deferred',
        channel,
        address,
        reason: `scheduled for ${dueAt.toISOString()}`,
        dueAt,
      };
    }
  }
  return { decision: 'routed', channel, address };
}
