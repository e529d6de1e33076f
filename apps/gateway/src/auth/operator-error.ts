import { ProblemException } from '@switchboard/service-kit';

export type OperatorErrorCode =
  /** OPERATOR_API_KEYS is not set: the operator routes serve nobody. */
  | 'OPERATOR_API_NOT_CONFIGURED'
  /** A tenant's API key on an operator route: it only reaches its own tenant's routes. */
  | 'OPERATOR_KEY_REQUIRED';

export function operatorStatusOf(code: OperatorErrorCode): number {
  switch (code) {
    case 'OPERATOR_KEY_REQUIRED':
      return 403;
    // Not configured is not a passing outage: 503 would tell the caller to retry in a moment.
    case 'OPERATOR_API_NOT_CONFIGURED':
      return 404;
    default:
      return exhaustive(code);
  }
}

function exhaustive(code: never): never {
  throw new Error(`unmapped operator error code ${String(code)}`);
}

/** A refusal of the operator API; a missing or unknown key is the gateway's UNAUTHENTICATED (401). */
export class OperatorError extends ProblemException {
  constructor(
    override readonly code: OperatorErrorCode,
    detail: string,
  ) {
    super(operatorStatusOf(code), code, detail);
  }
}
