import { domainToASCII } from 'node:url';
import type { AddressCheck } from './address-check';

const MAX_ADDRESS_LENGTH = 254;
const MAX_LOCAL_PART_LENGTH = 64;
const MAX_LABEL_LENGTH = 63;
// RFC 5322 dot-atom text: the characters allowed unquoted, in runs joined by single dots.
const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const DOMAIN_LABEL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

/**
 * Addresses people type into a form to get past it. Kept short on purpose: each entry is an
 * address nobody receives mail at. example.com and example.org are not here: they are the
 * documentation domains (RFC 2606), used in docs and tests.
 */
export const PLACEHOLDER_ADDRESSES: readonly string[] = [
  'test@test.com',
  'none@none.com',
  'email@email.com',
  'asdf@asdf.com',
  'a@a.com',
  'x@x.x',
];
/** Local parts that mean "no address" on any domain (n/a@acme.com). */
export const PLACEHOLDER_LOCAL_PARTS: readonly string[] = [
  'null',
  'n/a',
  'na',
  'none',
  'noemail',
  'no-email',
  'no.email',
  'nomail',
  'unknown',
  'undefined',
];
/** Domains that receive no mail (the reserved `.invalid`, RFC 2606, is refused on its own). */
export const PLACEHOLDER_DOMAINS: readonly string[] = ['noemail.com', 'nomail.com', 'none.com'];

export interface NormalisedEmailAddress {
  /** The local part as given, `@`, the domain in lower-case ASCII: `Ada.Lovelace@xn--bcher-kva.example`. */
  address: string;
  localPart: string;
  /** Lower-case ASCII; an internationalised domain in its punycode (xn--) form. */
  domain: string;
}

/**
 * Cleans an email address: trims it, checks its syntax, lower-cases the domain and writes an
 * internationalised domain in ASCII (mail servers and providers without SMTPUTF8 need it). The
 * local part keeps its case: RFC 5321 leaves its meaning to the receiving server. Refuses quoted
 * local parts, address literals (`[192.0.2.1]`) and the obvious placeholders listed above.
 */
export function normaliseEmailAddress(input: string): AddressCheck<NormalisedEmailAddress> {
  const text = input.trim();
  if (text === '') return refused('is empty');
  const at = text.lastIndexOf('@');
  if (at <= 0 || at === text.length - 1) return refused('needs a local part, an @ and a domain');
  const localPart = text.slice(0, at);
  const givenDomain = text.slice(at + 1);
  if (localPart.length > MAX_LOCAL_PART_LENGTH) {
    return refused(`has a local part longer than ${MAX_LOCAL_PART_LENGTH} characters`);
  }
  if (localPart.startsWith('"')) return refused('has a quoted local part, which is not accepted');
  if (!LOCAL_PART.test(localPart)) {
    return refused(
      "has a local part with characters other than letters, digits and !#$%&'*+/=?^_`{|}~- or with dots out of place",
    );
  }
  if (givenDomain.startsWith('['))
    return refused('has an address literal for a domain, which is not accepted');
  const domain = domainToASCII(givenDomain.toLowerCase());
  if (domain === '') return refused(`has a domain that is not a host name`);
  const domainProblem = hostNameProblem(domain);
  if (domainProblem) return refused(domainProblem);
  const address = `${localPart}@${domain}`;
  if (address.length > MAX_ADDRESS_LENGTH) {
    return refused(`is longer than ${MAX_ADDRESS_LENGTH} characters`);
  }
  if (domain.endsWith('.invalid'))
    return refused('is in the reserved .invalid domain, which never receives mail');
  if (isPlaceholder(localPart.toLowerCase(), domain)) {
    return refused('is a placeholder, not an address anyone receives mail at');
  }
  return { ok: true, value: { address, localPart, domain } };
}

function hostNameProblem(domain: string): string | undefined {
  const labels = domain.split('.');
  if (labels.length < 2) return 'has a domain without a top-level domain';
  for (const label of labels) {
    if (label === '') return 'has a domain with an empty label (two dots in a row, or a dot at an end)';
    if (label.length > MAX_LABEL_LENGTH) {
      return `has a domain label longer than ${MAX_LABEL_LENGTH} characters`;
    }
    if (!DOMAIN_LABEL.test(label)) return `has the domain label "${label}", which is not a host name label`;
  }
  if (/^[0-9]+$/.test(labels[labels.length - 1])) return 'has a domain whose top-level domain is a number';
  return undefined;
}

function isPlaceholder(localPart: string, domain: string): boolean {
  return (
    PLACEHOLDER_ADDRESSES.includes(`${localPart}@${domain}`) ||
    PLACEHOLDER_LOCAL_PARTS.includes(localPart) ||
    PLACEHOLDER_DOMAINS.includes(domain)
  );
}

function refused(problem: string): AddressCheck<never> {
  return { ok: false, problem };
}
