import { ProblemException } from '@switchboard/service-kit';

export type MessageTypeErrorCode = 'MESSAGE_TYPE_EXISTS' | 'MESSAGE_TYPE_NOT_FOUND';

export function statusOf(code: MessageTypeErrorCode): number {
  switch (code) {
    case 'MESSAGE_TYPE_EXISTS':
      return 409;
    case 'MESSAGE_TYPE_NOT_FOUND':
      return 404;
    default:
      return exhaustive(code);
  }
}

function exhaustive(code: never): never {
  throw new Error(`unmapped message type error code ${String(code)}`);
}

/** An expected failure of the message types API. */
export class MessageTypeError extends ProblemException {
  constructor(
    readonly messageTypeCode: MessageTypeErrorCode,
    detail: string,
  ) {
    super(statusOf(messageTypeCode), messageTypeCode, detail);
  }
}
