import type { ValidationProblem } from '@switchboard/contracts';

export type SecurityErrorCode =
  /** A secret too short to resist guessing, or no secret at all. */
  | 'WEAK_SECRET'
  /** Options given at start-up that would make a check meaningless (empty allow-list, bad window). */
  | 'INVALID_OPTIONS'
  /** The claims of a recipient token to issue (tenant, recipient, lifetime) are not valid. */
  | 'INVALID_CLAIMS';

/** A programming or configuration mistake; untrusted input is answered with a result, never thrown. */
export class SecurityError extends Error {
  override readonly name = 'SecurityError';

  constructor(
    readonly code: SecurityErrorCode,
    readonly problems: ValidationProblem[],
  ) {
    super(`${code}: ${problems.map(({ field, problem }) => `${field}: ${problem}`).join('; ')}`);
  }
}
