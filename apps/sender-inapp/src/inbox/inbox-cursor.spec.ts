import { ContractValidationError } from '@switchboard/contracts';
import { decodeInboxCursor, encodeInboxCursor } from './inbox-cursor';

describe('inbox cursor', () => {
  it('gives back the sequence it was made from', () => {
    expect(decodeInboxCursor(encodeInboxCursor('9007199254740993'))).toBe('9007199254740993');
  });

  it.each([
    ['a bare number', '42'],
    ['another prefix', Buffer.from('other:42').toString('base64url')],
    ['a sequence that is not a number', Buffer.from('inbox:42 OR 1=1').toString('base64url')],
    ['a sequence of zero', Buffer.from('inbox:0').toString('base64url')],
  ])('refuses %s, naming the cursor field', (_case, cursor) => {
    let caught: unknown;
    try {
      decodeInboxCursor(cursor);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ContractValidationError);
    expect((caught as ContractValidationError).problems).toEqual([
      expect.objectContaining({ field: 'cursor' }),
    ]);
  });
});
