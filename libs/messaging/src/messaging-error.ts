export type MessagingErrorCode =
  | 'NOT_CONNECTED'
  | 'HANDLER_ALREADY_REGISTERED'
  | 'NO_HANDLERS'
  | 'ALREADY_STARTED'
  | 'NOT_RUNNING'
  | 'INVALID_OPTION'
  | 'UNKNOWN_TOPIC';

export class MessagingError extends Error {
  constructor(
    readonly code: MessagingErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'MessagingError';
  }
}
