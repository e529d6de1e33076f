import { chunkPayloads } from './postgres-inbox-announcements';

describe('chunkPayloads', () => {
  it('fits a large batch into payloads PostgreSQL accepts, keeping every item once and in order', () => {
    const items = Array.from(
      { length: 500 },
      (_, index) =>
        ['acme', `recipient-${index}-${'x'.repeat(40)}`, String(index + 1)] as [string, string, string],
    );

    const payloads = chunkPayloads('origin-1', items);

    expect(payloads.length).toBeGreaterThan(1);
    for (const payload of payloads) expect(Buffer.byteLength(payload)).toBeLessThanOrEqual(7_000);
    const parsed = payloads.map((payload) => JSON.parse(payload));
    expect(parsed.every((announcement) => announcement.origin === 'origin-1')).toBe(true);
    expect(parsed.flatMap((announcement) => announcement.items)).toEqual(items);
  });

  it('makes no payload for no items', () => {
    expect(chunkPayloads('origin-1', [])).toEqual([]);
  });
});
