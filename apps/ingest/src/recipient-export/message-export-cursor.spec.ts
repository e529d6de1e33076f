import { ProblemException } from '@switchboard/service-kit';
import { decodeMessageExportCursor, encodeMessageExportCursor } from './message-export-cursor';

describe('message export cursor', () => {
  it('gives back the position it was made from, to the microsecond', () => {
    const position = {
      acceptedAt: '2026-12-07T10:00:00.123456Z',
      messageId: '0b9d7f2e-7c1a-4d8e-9f00-3a5b6c7d8e9f',
    };

    expect(decodeMessageExportCursor(encodeMessageExportCursor(position))).toEqual(position);
  });

  it.each([
    ['not base64 of a position', 'bm90IGEgY3Vyc29y'],
    [
      'a time without microseconds',
      Buffer.from('2026-12-07T10:00:00Z|0b9d7f2e-7c1a-4d8e-9f00-3a5b6c7d8e9f').toString('base64url'),
    ],
    ['an id that is no uuid', Buffer.from('2026-12-07T10:00:00.123456Z|1 OR 1=1').toString('base64url')],
    [
      'a third part',
      Buffer.from('2026-12-07T10:00:00.123456Z|0b9d7f2e-7c1a-4d8e-9f00-3a5b6c7d8e9f|x').toString('base64url'),
    ],
  ])('refuses %s with a 400 naming the cursor', (_case, cursor) => {
    let thrown: unknown;
    try {
      decodeMessageExportCursor(cursor);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ProblemException);
    expect(thrown).toMatchObject({ status: 400, extensions: { errors: [{ field: 'cursor' }] } });
  });
});
