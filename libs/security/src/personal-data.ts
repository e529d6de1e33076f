/** What a secret becomes: `Bearer [REDACTED]`, `password=[REDACTED]`, `postgres://app:[REDACTED]@db`. */
export const REDACTED = '[REDACTED]';

/** The most characters maskPersonalData returns unless told otherwise, its cut marker included. */
export const MASKED_TEXT_LIMIT = 8192;

// Case-insensitive spelling of one word without the `i` flag, which the authorization rule must not have.
const anyCase = (word: string) =>
  [...word].map((letter) => `[${letter.toUpperCase()}${letter.toLowerCase()}]`).join('');

const SECRET_PARAMETER_NAMES = [
  anyCase('password'),
  anyCase('passwd'),
  anyCase('secret'),
  anyCase('token'),
  `${anyCase('api')}[_-]?${anyCase('key')}`,
  `${anyCase('access')}[_-]?${anyCase('token')}`,
];
const LOCAL_PART_CHARACTER = String.raw`[\p{L}\p{N}._%+\-]`;
const URL_SCHEME_CHARACTER = String.raw`[A-Za-z0-9+.\-]`;

// Each rule starts only where its left boundary holds (a lookbehind or \b, checked in one step)
// and its quantifiers are bounded, except a final run that nothing has to follow. So trying a
// position costs a bounded number of steps and masking is linear in the length of the text; an
// unbounded `[^\s@]+@` instead rescans the rest of a long run from every position in it.
const RULES = [
  // postgres://app:s3cret@db: scheme, user and password (bounded as URLs of real systems are).
  String.raw`(?<url>(?<!${URL_SCHEME_CHARACTER})[A-Za-z]${URL_SCHEME_CHARACTER}{0,31}:\/\/[^\s:/@]{1,128}:)[^\s/@]{1,256}@`,
  // Case-sensitive spellings and a minimum length, so prose such as "basic auth" stays readable.
  String.raw`\b(?<scheme>Bearer|bearer|BEARER|Basic|BASIC)\s{1,16}[A-Za-z0-9\-._~+/]{8,}=*`,
  String.raw`\b(?<parameter>${SECRET_PARAMETER_NAMES.join('|')})=[^&\s"']+`,
  // A local part is at most 64 characters (RFC 5321); a domain has two to eleven labels here.
  String.raw`(?<!${LOCAL_PART_CHARACTER})(?<local>${LOCAL_PART_CHARACTER}{1,64})@(?<domain>(?:[\p{L}\p{N}\-]{1,63}\.){1,10}\p{L}{2,24})`,
  // E.164 (+4915112345678), or written with separators (+44 20 7946 0958, +1 (415) 555-0123).
  String.raw`(?<![\w+])(?<phone>\+[1-9](?:[ ().\-]{0,2}\d){6,14})(?!\d)`,
];
const PERSONAL_DATA = new RegExp(RULES.join('|'), 'gu');
// Longer than any match of the bounded rules, so that a match the cut runs through is seen whole.
const LOOKAHEAD = 1024;

const thousands = new Intl.NumberFormat('en-US');

/**
 * Masks personal data and secrets in free text, in time linear in its length:
 * `j***@example.com`, `+***********78` (every digit of a phone number but the last two),
 * `Bearer [REDACTED]`, `password=[REDACTED]`, `postgres://app:[REDACTED]@db`. Text longer than
 * `maxLength` is cut first, and ends with how much was left out: `…[+148,213 characters]`;
 * the result is never longer than `maxLength` (a limit under 32 still gets the whole marker).
 * Masking twice changes nothing more.
 */
export function maskPersonalData(text: string, maxLength: number = MASKED_TEXT_LIMIT): string {
  if (text.length <= maxLength) return maskUpTo(text, text.length).masked;
  const shown = Math.max(0, maxLength - cutMarker(text.length).length);
  const { masked, consumed } = maskUpTo(text.slice(0, shown + LOOKAHEAD), shown);
  return withoutBrokenPair(masked.slice(0, shown)) + cutMarker(text.length - Math.max(consumed, shown));
}

/** `text` cut to at most `maxLength` characters, marker included, the way maskPersonalData cuts it. */
export function cutText(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text;
  const shown = Math.max(0, maxLength - cutMarker(text.length).length);
  return withoutBrokenPair(text.slice(0, shown)) + cutMarker(text.length - shown);
}

/** Masks every match that starts before `end`; `consumed` is where the last one ended, or `end`. */
function maskUpTo(text: string, end: number): { masked: string; consumed: number } {
  const parts: string[] = [];
  let consumed = 0;
  for (const match of text.matchAll(PERSONAL_DATA)) {
    if (match.index >= end) break;
    parts.push(text.slice(consumed, match.index), maskOf(match));
    consumed = match.index + match[0].length;
  }
  if (consumed < end) parts.push(text.slice(consumed, end));
  return { masked: parts.join(''), consumed };
}

function maskOf(match: RegExpMatchArray): string {
  const { url, scheme, parameter, local, domain, phone } = match.groups ?? {};
  if (url !== undefined) return `${url}${REDACTED}@`;
  if (scheme !== undefined) return `${scheme} ${REDACTED}`;
  if (parameter !== undefined) return `${parameter}=${REDACTED}`;
  if (local !== undefined) return `${String.fromCodePoint(local.codePointAt(0) ?? 0)}***@${domain}`;
  if (phone !== undefined) return maskPhoneNumber(phone);
  return match[0];
}

function maskPhoneNumber(phone: string): string {
  let kept = 0;
  let index = phone.length;
  while (kept < 2) if (/\d/.test(phone[--index])) kept++;
  return phone.slice(0, index).replace(/\d/g, '*') + phone.slice(index);
}

function cutMarker(cutLength: number): string {
  return `…[+${thousands.format(cutLength)} characters]`;
}

// A cut between the two halves of a surrogate pair would leave half a character.
function withoutBrokenPair(text: string): string {
  const last = text.charCodeAt(text.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? text.slice(0, -1) : text;
}
