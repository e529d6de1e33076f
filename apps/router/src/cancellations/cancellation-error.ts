import { ProblemException } from '@switchboard/service-kit';

export type CancellationErrorCode =
  /** The message was routed, skipped or released from its wait: there is nothing left to cancel. */
  'MESSAGE_ALREADY_SENT';

export function statusOf(code: CancellationErrorCode): number {
  switch (code) {
    case 'MESSAGE_ALREADY_SENT':
      return 409;
    default:
      return exhaustive(code);
  }
}

function exhaustive(code: never): never {
  throw new Error(`unmapped cancellation error code ${String(code)}`);
}

export class CancellationError extends ProblemException {
  constructor(
    readonly cancellationCode: CancellationErrorCode,
    detail: string,
  ) {
    super(statusOf(cancellationCode), cancellationCode, detail);
  }
}
