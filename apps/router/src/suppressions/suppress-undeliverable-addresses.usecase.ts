import type { DeliveryEvent } from '@switchboard/contracts';
import type { DecisionRecord, DecisionStore } from '../routing/decision-store';
import { type NewSuppression, SuppressionStore, suppressionEntryKey } from './suppression';

/** The longest reason a suppression keeps (as the internal API allows). */
const REASON_LIMIT = 500;

/** A bounce or complaint of a message the router holds no decision for, so no address to suppress. */
export interface UnmatchedFeedback {
  tenantId: string;
  messageId: string;
  type: DeliveryEvent['type'];
}

export interface SuppressionOutcome {
  /** How many addresses were newly suppressed. */
  suppressed: number;
  /** Events that called for a suppression of a message without a decision (past retention, erased). */
  unmatched: UnmatchedFeedback[];
}

/**
 * Suppresses the email addresses that bounced for good or complained. The events carry no
 * address: every email has one recipient, the one the router routed the message to, so the
 * address is read from the router's own decision for the message (sealed, opened here). A
 * transient or undetermined bounce suppresses nothing: the next email may well arrive. Adding an
 * address already suppressed keeps the first suppression, so a repeated event changes nothing.
 */
export class SuppressUndeliverableAddresses {
  constructor(
    private readonly store: SuppressionStore,
    private readonly decisions: Pick<DecisionStore, 'findByIds'>,
  ) {}

  async execute(events: readonly DeliveryEvent[]): Promise<SuppressionOutcome> {
    const undeliverable = events.flatMap((event) => {
      const cause = suppressionCauseOf(event);
      return cause ? [{ event, cause }] : [];
    });
    if (undeliverable.length === 0) return { suppressed: 0, unmatched: [] };
    const messageIds = [...new Set(undeliverable.map(({ event }) => event.messageId))];
    const decisions = new Map(
      (await this.decisions.findByIds(messageIds)).map((decision) => [decision.messageId, decision]),
    );
    const suppressions = new Map<string, NewSuppression>();
    const unmatched: UnmatchedFeedback[] = [];
    for (const { event, cause } of undeliverable) {
      const decision = decisions.get(event.messageId);
      // A decision of another tenant is not this event's message (ids are the tenant's to choose).
      const address = decision?.tenantId === event.tenantId ? emailAddressOf(decision) : undefined;
      if (address === undefined) {
        unmatched.push({ tenantId: event.tenantId, messageId: event.messageId, type: event.type });
        continue;
      }
      const suppression: NewSuppression = { tenantId: event.tenantId, channel: 'email', address, ...cause };
      suppressions.set(suppressionEntryKey(suppression), suppression);
    }
    const suppressed = suppressions.size === 0 ? 0 : await this.store.addMany([...suppressions.values()]);
    return { suppressed, unmatched };
  }
}

/** Why an event calls for suppressing its message's email address, if it does. */
export function suppressionCauseOf(
  event: DeliveryEvent,
): Pick<NewSuppression, 'reason' | 'source'> | undefined {
  if (event.channel !== 'email') return undefined;
  if (event.type === 'bounced' && event.detail?.bounceType === 'Permanent') {
    return { reason: `bounce: ${event.reason ?? 'Permanent'}`.slice(0, REASON_LIMIT), source: 'bounce' };
  }
  if (event.type === 'complained') {
    return { reason: (event.reason ?? 'complaint').slice(0, REASON_LIMIT), source: 'complaint' };
  }
  return undefined;
}

/**
 * The address the message was emailed to: its email render request's, whichever place email had
 * among its channels. None when the decision's values no longer open (an erased recipient).
 */
function emailAddressOf(decision: DecisionRecord): string | undefined {
  const email = decision.renderRequests.find((request) => request.channel === 'email');
  const address = email?.address ?? (decision.channel === 'email' ? decision.address : undefined);
  return address === undefined || address.trim() === '' ? undefined : address.trim();
}
