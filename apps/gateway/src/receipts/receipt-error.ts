import { ProblemException } from '@switchboard/service-kit';

export type ReceiptErrorCode =
  | 'SNS_MESSAGE_MALFORMED'
  | 'SNS_MESSAGE_REJECTED'
  | 'SNS_CERTIFICATE_UNAVAILABLE'
  | 'SUBSCRIPTION_CONFIRMATION_FAILED'
  | 'BROKER_UNAVAILABLE';

export function statusOfReceiptError(code: ReceiptErrorCode): number {
  switch (code) {
    case 'SNS_MESSAGE_MALFORMED':
      return 400;
    case 'SNS_MESSAGE_REJECTED':
      return 403;
    // 5xx on purpose: SNS retries a delivery only after a server error.
    case 'SNS_CERTIFICATE_UNAVAILABLE':
    case 'SUBSCRIPTION_CONFIRMATION_FAILED':
    case 'BROKER_UNAVAILABLE':
      return 503;
    default:
      return exhaustive(code);
  }
}

function exhaustive(code: never): never {
  throw new Error(`unmapped receipt error code ${String(code)}`);
}

/** A refused or failed SNS delivery to POST /v1/receipts/ses; rendered as problem+json. */
export class ReceiptError extends ProblemException {
  constructor(
    override readonly code: ReceiptErrorCode,
    detail: string,
    extensions: Record<string, unknown> = {},
  ) {
    super(statusOfReceiptError(code), code, detail, extensions);
  }
}
