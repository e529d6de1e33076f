import { type ListUnsubscribeLinks } from '@switchboard/contracts';
import { type LinkKeyring, signLink } from '@switchboard/security';

export interface EmailLinkSubject {
  tenantId: string;
  /** With an id, the link opts the recipient out and a preference page link comes along. */
  recipientId?: string;
  /** Used only when there is no recipient id: the link then suppresses this address for the category. */
  address: string;
  category: string;
}

/**
 * The signed links of an email of an opt-outable type: the RFC 8058 one-click URL for its
 * List-Unsubscribe header and, for a known recipient, the hosted preference page. Both point at
 * the gateway's public routes, which check the signature and nothing else.
 */
export class UnsubscribeLinks {
  private readonly baseUrl: string;

  constructor(
    publicBaseUrl: string,
    private readonly keyring: LinkKeyring | undefined,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.baseUrl = publicBaseUrl.replace(/\/+$/, '');
  }

  /** False when no signing keys are configured: emails then go without the headers. */
  get enabled(): boolean {
    return this.keyring !== undefined;
  }

  /** Undefined when links are not enabled. */
  forEmail(subject: EmailLinkSubject): ListUnsubscribeLinks | undefined {
    if (!this.keyring) return undefined;
    const { tenantId, recipientId, address, category } = subject;
    const issuedAt = this.now();
    const who = recipientId !== undefined ? { recipientId } : { address };
    const unsubscribeToken = signLink(
      { tenantId, ...who, category, purpose: 'unsubscribe' },
      this.keyring,
      issuedAt,
    );
    const url = `${this.baseUrl}/v1/unsubscribe/${unsubscribeToken}`;
    if (recipientId === undefined) return { url };
    const preferencesToken = signLink(
      { tenantId, recipientId, category, purpose: 'preferences' },
      this.keyring,
      issuedAt,
    );
    return { url, preferencesUrl: `${this.baseUrl}/preferences/${preferencesToken}` };
  }
}
