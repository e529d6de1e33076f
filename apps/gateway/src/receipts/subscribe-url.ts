import { checkSigningCertificateUrl } from '@switchboard/security';

export type SubscribeUrlCheck = { ok: true; url: string } | { ok: false; problem: string };

// Any certificate file name will do: only the host part of the certificate rule is wanted.
const CERTIFICATE_ON_HOST = 'SimpleNotificationService.pem';

/**
 * Decides whether the SubscribeURL of a SubscriptionConfirmation may be followed: https on an
 * Amazon SNS host (the same host rule as for signing certificates), asking to confirm a
 * subscription, in canonical form. Anything else is refused rather than normalised, so the gateway
 * can never be made to GET an address of the sender's choosing.
 */
export function checkSubscribeUrl(subscribeUrl: string): SubscribeUrlCheck {
  let url: URL;
  try {
    url = new URL(subscribeUrl);
  } catch {
    return { ok: false, problem: 'is not a URL' };
  }
  if (url.protocol !== 'https:') return { ok: false, problem: 'must use https' };
  if (url.username !== '' || url.password !== '')
    return { ok: false, problem: 'must not carry user information' };
  if (url.port !== '') return { ok: false, problem: 'must not name a port' };
  // The SNS host rule lives in checkSigningCertificateUrl; asking it about a certificate on this
  // host applies exactly that rule instead of a copy that could drift.
  if (!checkSigningCertificateUrl(`https://${url.hostname}/${CERTIFICATE_ON_HOST}`).ok)
    return { ok: false, problem: `host ${url.hostname} is not an Amazon SNS host` };
  if (url.pathname !== '/') return { ok: false, problem: 'path must be /' };
  if (url.searchParams.get('Action') !== 'ConfirmSubscription')
    return { ok: false, problem: 'must ask for Action=ConfirmSubscription' };
  if (url.hash !== '') return { ok: false, problem: 'must not carry a fragment' };
  if (url.href !== subscribeUrl) return { ok: false, problem: 'is not in canonical form' };
  return { ok: true, url: url.href };
}
