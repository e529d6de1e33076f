import type { ValidationProblem } from '@switchboard/contracts';
import { ProblemException } from '@switchboard/service-kit';

export type RecipientErrorCode =
  | 'RECIPIENT_NOT_FOUND'
  | 'PUSH_SUBSCRIPTION_NOT_FOUND'
  /** The subscription is well formed but may not be stored (e.g. its endpoint is not public). */
  | 'PUSH_SUBSCRIPTION_REFUSED'
  /** A field is well formed but its value is not usable (e.g. attributes too large once merged). */
  | 'RECIPIENT_REFUSED'
  /** The recipient's data key was destroyed (erasure): what is left of the row reads as nothing. */
  | 'RECIPIENT_ERASED'
  /** A stored value does not decrypt (changed, or copied from another recipient's row). */
  | 'RECIPIENT_UNREADABLE';

export function statusOf(code: RecipientErrorCode): number {
  switch (code) {
    case 'RECIPIENT_NOT_FOUND':
    case 'PUSH_SUBSCRIPTION_NOT_FOUND':
      return 404;
    case 'PUSH_SUBSCRIPTION_REFUSED':
    case 'RECIPIENT_REFUSED':
      return 422;
    case 'RECIPIENT_ERASED':
      return 410;
    case 'RECIPIENT_UNREADABLE':
      return 500;
    default:
      return exhaustive(code);
  }
}

function exhaustive(code: never): never {
  throw new Error(`unmapped recipient error code ${String(code)}`);
}

/** An expected failure of the recipients API; `errors` names each refused field. */
export class RecipientError extends ProblemException {
  constructor(
    readonly recipientCode: RecipientErrorCode,
    detail: string,
    problems?: readonly ValidationProblem[],
  ) {
    super(statusOf(recipientCode), recipientCode, detail, problems ? { errors: [...problems] } : {});
  }
}
