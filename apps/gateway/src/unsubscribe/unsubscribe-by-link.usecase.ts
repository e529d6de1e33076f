import type { AddSuppressionRequest } from '@switchboard/contracts';
import type { LinkKeyring } from '@switchboard/security';
import type { UpstreamAnswer } from '../internal-services/internal-service-client';
import { readUnsubscribeLink, type UnsubscribeLinkFacts } from './unsubscribe-link';

/** The router's preference opt-out, as the gateway's preference client offers it. */
export interface RecipientOptOut {
  optOut(tenantId: string, recipientId: string, category: string): Promise<UpstreamAnswer>;
}

/** The router's suppression list, as the gateway's suppression client offers it. */
export interface AddressSuppressions {
  create(tenantId: string, request: AddSuppressionRequest): Promise<UpstreamAnswer>;
}

export type UnsubscribeOutcome =
  { outcome: 'not-found' } | ({ outcome: 'unsubscribed' } & UnsubscribeLinkFacts);

const SUPPRESSION_REASON = 'unsubscribed with the link in an email';

/**
 * RFC 8058 one-click unsubscribe: a recipient is opted out of the link's category in their
 * preferences; an address-only link suppresses the address for email in that category. Both are
 * idempotent in the router, so a provider that POSTs twice changes nothing more. A router
 * outage throws (the caller answers 503); a router that does not know the recipient: not found.
 */
export class UnsubscribeByLink {
  constructor(
    private readonly keyring: LinkKeyring | undefined,
    private readonly preferences: RecipientOptOut,
    private readonly suppressions: AddressSuppressions,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async execute(token: string): Promise<UnsubscribeOutcome> {
    const facts = readUnsubscribeLink(token, this.keyring, this.now());
    if (!facts) return { outcome: 'not-found' };
    const { link } = facts;
    const answer =
      'recipientId' in link
        ? await this.preferences.optOut(link.tenantId, link.recipientId, link.category)
        : await this.suppressions.create(link.tenantId, {
            channel: 'email',
            address: link.address,
            reason: SUPPRESSION_REASON,
            category: link.category,
            source: 'unsubscribe',
          });
    if (answer.status >= 300) return { outcome: 'not-found' };
    return { outcome: 'unsubscribed', ...facts };
  }
}
