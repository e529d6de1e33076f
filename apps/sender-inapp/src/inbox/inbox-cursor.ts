import { ContractValidationError } from '@switchboard/contracts';

const SEQUENCE = /^[1-9][0-9]{0,18}$/;

/** The page cursor is opaque to clients: the sequence of the last item they were given. */
export function encodeInboxCursor(sequence: string): string {
  return Buffer.from(`inbox:${sequence}`, 'utf8').toString('base64url');
}

/** The sequence a cursor continues after; a cursor this service did not write is a 400 naming `cursor`. */
export function decodeInboxCursor(cursor: string): string {
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  const sequence = decoded.startsWith('inbox:') ? decoded.slice('inbox:'.length) : '';
  if (!SEQUENCE.test(sequence) || encodeInboxCursor(sequence) !== cursor) {
    throw new ContractValidationError('query', [
      { field: 'cursor', problem: 'is not a cursor this API returned (use nextCursor as given)' },
    ]);
  }
  return sequence;
}
