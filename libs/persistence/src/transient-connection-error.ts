// Refused, reset, timed out or not yet resolvable, and PostgreSQL's "the database system is starting up".
const TRANSIENT_CONNECTION_ERRORS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENOTFOUND',
  '57P03',
]);

/** Whether connecting again later may succeed; a failed migration or a bad query never will. */
export function isTransientConnectionError(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && TRANSIENT_CONNECTION_ERRORS.has(code)) return true;
    current = current.cause;
  }
  return false;
}
