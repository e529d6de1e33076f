import type { ValidationProblem } from '@switchboard/contracts';

// Attributes a mail client or browser follows or loads as a URL.
const URL_ATTRIBUTES = new Set([
  'href',
  'src',
  'srcset',
  'background',
  'action',
  'formaction',
  'poster',
  'cite',
  'longdesc',
  'data',
  'xlink:href',
]);
const ALLOWED_SCHEMES = new Set(['http', 'https', 'mailto', 'tel']);
// Browsers ignore these inside a URL, so "java\tscript:" is still javascript.
// eslint-disable-next-line no-control-regex -- control characters are what it removes
const IGNORED_URL_CHARACTERS = /[\u0000-\u0020\u007f]+/g;
const SCHEME = /^([a-z][a-z0-9+.-]*):/;
// Once the value has one of these, a variable after it can no longer change the scheme.
const SCHEME_END = /[:/?#]/;

export function isUrlAttribute(attribute: string): boolean {
  return URL_ATTRIBUTES.has(attribute);
}

/**
 * A URL attribute whose scheme a variable can decide (`href="{{ link }}"`): HTML escaping does not
 * stop `javascript:`, so render checks the assembled value. Pieces are literal text or variable indexes.
 */
export interface UrlGuard {
  attribute: string;
  pieces: readonly (string | number)[];
}

/** A guard when one of the value's variables comes before anything that fixes the scheme. */
export function urlGuardFor(attribute: string, pieces: readonly (string | number)[]): UrlGuard | undefined {
  if (!isUrlAttribute(attribute)) return undefined;
  for (const piece of pieces) {
    if (typeof piece === 'number') return { attribute, pieces };
    if (SCHEME_END.test(piece)) return undefined;
  }
  return undefined;
}

export function checkUrl(
  guard: UrlGuard,
  values: readonly string[],
  variableNames: readonly string[],
): ValidationProblem | undefined {
  let url = '';
  for (const piece of guard.pieces) url += typeof piece === 'number' ? values[piece] : piece;
  const scheme = SCHEME.exec(url.replace(IGNORED_URL_CHARACTERS, '').toLowerCase())?.[1];
  if (scheme === undefined || ALLOWED_SCHEMES.has(scheme)) return undefined;
  const variables = guard.pieces
    .filter((piece) => typeof piece === 'number')
    .map((index) => variableNames[index]);
  return {
    field: variables.join(', '),
    problem: `makes a "${scheme}:" URL in ${guard.attribute}; only http, https, mailto and tel URLs are allowed`,
  };
}
