import { ProblemException } from '@switchboard/service-kit';

export type SuppressionErrorCode = 'SUPPRESSION_NOT_FOUND';

export function statusOf(code: SuppressionErrorCode): number {
  switch (code) {
    case 'SUPPRESSION_NOT_FOUND':
      return 404;
    default:
      return exhaustive(code);
  }
}

function exhaustive(code: never): never {
  throw new Error(`unmapped suppression error code ${String(code)}`);
}

/** An expected failure of the suppressions API. */
export class SuppressionError extends ProblemException {
  constructor(
    readonly suppressionCode: SuppressionErrorCode,
    detail: string,
  ) {
    super(statusOf(suppressionCode), suppressionCode, detail);
  }
}
