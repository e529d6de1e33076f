const UNIQUE_VIOLATION = '23505';

/**
 * True when the error (a pg error, TypeORM's QueryFailedError around one, or an error caused by one)
 * is PostgreSQL's unique_violation: services rely on unique constraints for idempotency.
 */
export function isUniqueViolation(error: unknown): boolean {
  return sqlStateOf(error) === UNIQUE_VIOLATION;
}

function sqlStateOf(error: unknown, depth = 0): string | undefined {
  if (typeof error !== 'object' || error === null || depth > 5) return undefined;
  const { code, driverError, cause } = error as { code?: unknown; driverError?: unknown; cause?: unknown };
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  return sqlStateOf(driverError, depth + 1) ?? sqlStateOf(cause, depth + 1);
}
