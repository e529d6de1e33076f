export type SesFailure = { kind: 'permanent'; reason: string } | { kind: 'transient'; reason: string };

// Errors that name the message itself: sending it again would fail the same way. The SDK's
// exception names and the query API's error codes differ for some, so both are listed.
const PERMANENT_ERRORS = new Set([
  'MessageRejected',
  'InvalidParameterValue',
  'MailFromDomainNotVerified',
  'MailFromDomainNotVerifiedException',
]);

/** Permanent errors mark the delivery failed; anything else is retried, then dead-lettered. */
export function classifySesError(error: unknown): SesFailure {
  const name = errorName(error);
  const message = error instanceof Error ? error.message : String(error);
  const reason = message && message !== name ? `${name}: ${message}` : name;
  return PERMANENT_ERRORS.has(name) ? { kind: 'permanent', reason } : { kind: 'transient', reason };
}

function errorName(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const { name, Code } = error as { name?: unknown; Code?: unknown };
    if (typeof Code === 'string' && Code) return Code;
    if (typeof name === 'string' && name) return name;
  }
  return 'UnknownError';
}
