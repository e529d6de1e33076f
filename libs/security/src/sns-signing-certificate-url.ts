export type SigningCertificateUrlCheck = { ok: true; url: string } | { ok: false; problem: string };

// Regions look like us-east-1, eu-central-2, us-gov-west-1, cn-northwest-1.
const SNS_HOST = /^sns\.[a-z]{2}(?:-[a-z]+)+-\d{1,2}\.amazonaws\.com(?:\.cn)?$/;
// SNS serves its certificates as one file at the root, e.g. /SimpleNotificationService-<hash>.pem.
const CERTIFICATE_PATH = /^\/[A-Za-z0-9._-]+\.pem$/;

/**
 * Decides whether a SigningCertURL may be fetched at all. Anything unusual is refused rather than
 * normalised: a URL that parses differently in two parsers is how such checks are bypassed, so
 * only the canonical form SNS itself sends is accepted.
 */
export function checkSigningCertificateUrl(signingCertificateUrl: string): SigningCertificateUrlCheck {
  let url: URL;
  try {
    url = new URL(signingCertificateUrl);
  } catch {
    return { ok: false, problem: 'is not a URL' };
  }
  if (url.protocol !== 'https:') return { ok: false, problem: 'must use https' };
  if (url.username !== '' || url.password !== '')
    return { ok: false, problem: 'must not carry user information' };
  if (url.port !== '') return { ok: false, problem: 'must not name a port' };
  if (!SNS_HOST.test(url.hostname))
    return { ok: false, problem: `host ${url.hostname} is not an Amazon SNS host` };
  if (!CERTIFICATE_PATH.test(url.pathname)) return { ok: false, problem: 'path must name a .pem file' };
  if (url.search !== '' || url.hash !== '')
    return { ok: false, problem: 'must not carry a query or fragment' };
  if (url.href !== signingCertificateUrl) return { ok: false, problem: 'is not in canonical form' };
  return { ok: true, url: url.href };
}
