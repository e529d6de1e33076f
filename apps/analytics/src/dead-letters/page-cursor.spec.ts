import { decodeCursor, encodeCursor } from './page-cursor';

describe('page cursor', () => {
  it('decodes what it encoded', () => {
    const cursor = { parkedAt: new Date('2026-05-01T12:00:00.123Z'), id: '981' };

    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
  });

  it.each([
    ['not base64 JSON', 'nope'],
    ['a wrong shape', Buffer.from('{"id":"1"}').toString('base64url')],
    ['an id that is not a number', Buffer.from('["2026-05-01T12:00:00Z","x"]').toString('base64url')],
    ['a time that is not one', Buffer.from('["soon","1"]').toString('base64url')],
  ])('refuses %s', (_case, text) => {
    expect(decodeCursor(text)).toBeUndefined();
  });
});
