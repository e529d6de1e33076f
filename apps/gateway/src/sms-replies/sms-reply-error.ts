import { ProblemException } from '@switchboard/service-kit';

/** SMS_REPLY_TOPICS is not set, so no topic's replies are taken. */
export type SmsReplyErrorCode = 'SMS_REPLIES_NOT_CONFIGURED';

export function statusOf(code: SmsReplyErrorCode): number {
  switch (code) {
    // Not configured is not a passing outage: 503 would have SNS retry for an hour.
    case 'SMS_REPLIES_NOT_CONFIGURED':
      return 404;
    default:
      return exhaustive(code);
  }
}

function exhaustive(code: never): never {
  throw new Error(`unmapped SMS reply error code ${String(code)}`);
}

export class SmsReplyError extends ProblemException {
  constructor(
    override readonly code: SmsReplyErrorCode,
    detail: string,
  ) {
    super(statusOf(code), code, detail);
  }
}
