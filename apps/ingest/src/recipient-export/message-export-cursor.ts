import { ProblemException } from '@switchboard/service-kit';

/** Where a page of a person's messages ends: the last message's acceptance time (microseconds) and id. */
export interface MessageExportPosition {
  acceptedAt: string;
  messageId: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

export function encodeMessageExportCursor(position: MessageExportPosition): string {
  return Buffer.from(`${position.acceptedAt}|${position.messageId}`, 'utf8').toString('base64url');
}

/** A cursor this service did not make is the caller's mistake: 400 naming the field. */
export function decodeMessageExportCursor(cursor: string): MessageExportPosition {
  const [acceptedAt, messageId, ...rest] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (rest.length > 0 || !TIME.test(acceptedAt ?? '') || !UUID.test(messageId ?? '')) {
    throw new ProblemException(400, 'VALIDATION_FAILED', 'cursor is not a cursor of this export', {
      errors: [{ field: 'cursor', problem: 'is not the nextCursor of a previous page' }],
    });
  }
  return { acceptedAt, messageId };
}
