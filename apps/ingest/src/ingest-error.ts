import { ProblemException } from '@switchboard/service-kit';

export type IngestErrorCode = 'TRIGGER_EXISTS';

export function statusOf(code: IngestErrorCode): number {
  switch (code) {
    case 'TRIGGER_EXISTS':
      return 409;
    default:
      return exhaustive(code);
  }
}

function exhaustive(code: never): never {
  throw new Error(`unmapped ingest error code ${String(code)}`);
}

/** An expected failure of ingest's internal API; the problem+json filter renders it with its status. */
export class IngestError extends ProblemException {
  constructor(
    override readonly code: IngestErrorCode,
    detail: string,
  ) {
    super(statusOf(code), code, detail);
  }
}
