import { ProblemException } from '@switchboard/service-kit';

export type InboxErrorCode =
  /** No recipient token, or one that is malformed, tampered with, signed with an unknown secret or expired. */
  | 'UNAUTHENTICATED'
  /** The message is not in the token's recipient's inbox (it may be in someone else's). */
  | 'INBOX_ITEM_NOT_FOUND';

export function statusOf(code: InboxErrorCode): number {
  switch (code) {
    case 'UNAUTHENTICATED':
      return 401;
    case 'INBOX_ITEM_NOT_FOUND':
      return 404;
    default:
      return exhaustive(code);
  }
}

function exhaustive(code: never): never {
  throw new Error(`unmapped inbox error code ${String(code)}`);
}

/** An expected failure of the inbox API; the problem+json filter renders it with its status. */
export class InboxError extends ProblemException {
  constructor(
    override readonly code: InboxErrorCode,
    detail: string,
    extensions: Record<string, unknown> = {},
  ) {
    super(statusOf(code), code, detail, extensions);
  }
}
