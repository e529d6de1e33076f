import { ContractValidationError } from '@switchboard/contracts';

const ID = /^[1-9][0-9]{0,18}$/;

/** The page cursor is opaque to clients: the id of the last suppression they were given. */
export function encodeSuppressionCursor(id: string): string {
  return Buffer.from(`suppressions:${id}`, 'utf8').toString('base64url');
}

/** The id a cursor continues after; a cursor this service did not write is a 400 naming `cursor`. */
export function decodeSuppressionCursor(cursor: string): string {
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  const id = decoded.startsWith('suppressions:') ? decoded.slice('suppressions:'.length) : '';
  if (!ID.test(id) || encodeSuppressionCursor(id) !== cursor) {
    throw new ContractValidationError('query', [
      { field: 'cursor', problem: 'is not a cursor this API returned (use nextCursor as given)' },
    ]);
  }
  return id;
}
