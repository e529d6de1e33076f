import type { ValidationProblem } from '@switchboard/contracts';
import { ProblemException } from '@switchboard/service-kit';

export type MessageTypeErrorCode =
  | 'MESSAGE_TYPE_EXISTS'
  | 'MESSAGE_TYPE_NOT_FOUND'
  /** Sending settings that are well formed but name something the tenant does not have. */
  | 'SENDING_SETTINGS_REFUSED';

export function statusOf(code: MessageTypeErrorCode): number {
  switch (code) {
    case 'MESSAGE_TYPE_EXISTS':
      return 409;
    case 'MESSAGE_TYPE_NOT_FOUND':
      return 404;
    case 'SENDING_SETTINGS_REFUSED':
      return 422;
    default:
      return exhaustive(code);
  }
}

function exhaustive(code: never): never {
  throw new Error(`unmapped message type error code ${String(code)}`);
}

/** An expected failure of the message types and sending settings API; `errors` names each refused field. */
export class MessageTypeError extends ProblemException {
  constructor(
    readonly messageTypeCode: MessageTypeErrorCode,
    detail: string,
    problems?: readonly ValidationProblem[],
  ) {
    super(statusOf(messageTypeCode), messageTypeCode, detail, problems ? { errors: [...problems] } : {});
  }
}
