import { ContractValidationError } from '@switchboard/contracts';

/** Where a newest-first page ended: the last dead letter's parked time and id, opaque to callers. */
export interface PageCursor {
  parkedAt: Date;
  id: string;
}

export function encodeCursor(cursor: PageCursor): string {
  return Buffer.from(JSON.stringify([cursor.parkedAt.toISOString(), cursor.id])).toString('base64url');
}

/** The position a cursor names, or undefined when it is not one this service handed out. */
export function decodeCursor(text: string): PageCursor | undefined {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(decoded) || decoded.length !== 2) return undefined;
  const [parkedAt, id] = decoded as unknown[];
  if (typeof parkedAt !== 'string' || typeof id !== 'string' || !/^\d{1,18}$/.test(id)) return undefined;
  const time = new Date(parkedAt);
  if (Number.isNaN(time.getTime())) return undefined;
  return { parkedAt: time, id };
}

/** The position a list query's `cursor` names; one this service did not hand out is a bad query. */
export function positionOfCursorQuery(cursor: string | undefined): PageCursor | undefined {
  if (cursor === undefined) return undefined;
  const position = decodeCursor(cursor);
  if (position === undefined) {
    throw new ContractValidationError('query', [
      { field: 'cursor', problem: 'is not a cursor from a previous page' },
    ]);
  }
  return position;
}
