import { type LinkKeyring, signLink, type VerifiedLink, verifyLink } from '@switchboard/security';

/** What a valid one-click link shows: its category, and a fresh preference page token for a recipient. */
export interface UnsubscribeLinkFacts {
  link: VerifiedLink;
  preferencesToken?: string;
}

/**
 * Reads a one-click token; undefined for anything not signed by a configured key for this
 * purpose (no keys configured: no link is valid). The preference page token it signs is new, so
 * an unsubscribe link opens a page that is valid for another 30 days.
 */
export function readUnsubscribeLink(
  token: string,
  keyring: LinkKeyring | undefined,
  now: Date,
): UnsubscribeLinkFacts | undefined {
  if (!keyring) return undefined;
  const verification = verifyLink(token, 'unsubscribe', keyring, now);
  if (!verification.valid) return undefined;
  const { link } = verification;
  if (!('recipientId' in link)) return { link };
  const preferencesToken = signLink(
    {
      tenantId: link.tenantId,
      recipientId: link.recipientId,
      category: link.category,
      purpose: 'preferences',
    },
    keyring,
    now,
  );
  return { link, preferencesToken };
}
