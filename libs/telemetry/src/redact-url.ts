import { isSensitiveKey } from './redact';

/** What a secret query parameter's value is replaced with, as OpenTelemetry's conventions suggest. */
export const REDACTED_QUERY_VALUE = 'REDACTED';

// A `name=value` pair of a query string: after ?, & or ;, or at the start (url.query has no ?).
const QUERY_PARAMETER = /([?&;]|^)([^=&?#;\s]+)=([^&#;\s]*)/g;
// Pre-signed URLs carry their credential as a signature.
const SIGNATURE_NAMES = /(^|[-_.])sig(nature)?$/i;

function isSecretParameter(encodedName: string): boolean {
  let name = encodedName;
  try {
    name = decodeURIComponent(encodedName);
  } catch {
    // A malformed escape: judge the name as written.
  }
  return isSensitiveKey(name) || SIGNATURE_NAMES.test(name);
}

/**
 * A URL, a path with its query, or a bare query string with the value of every secret-named
 * parameter (access_token, token, api_key, password, signature, ...) replaced by REDACTED: an
 * EventSource can only send its token in the URL, and a URL ends up in spans and logs.
 */
export function redactUrlSecrets(text: string): string {
  if (!text.includes('=')) return text;
  return text.replace(QUERY_PARAMETER, (pair, separator: string, name: string, value: string) =>
    value !== '' && value !== REDACTED_QUERY_VALUE && isSecretParameter(name)
      ? `${separator}${name}=${REDACTED_QUERY_VALUE}`
      : pair,
  );
}
