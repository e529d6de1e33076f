import { KeyCache } from './key-cache';

describe('KeyCache', () => {
  it('forgets an entry once its time to live has passed', () => {
    let now = 0;
    const cache = new KeyCache<string>(1000, 10, { now: () => now });
    cache.set('a', 'key a');
    now = 999;
    expect(cache.get('a')).toBe('key a');
    now = 1000;
    expect(cache.get('a')).toBeUndefined();
  });

  it('keeps at most its bound, dropping the least recently used entry', () => {
    const cache = new KeyCache<string>(60_000, 2, { now: () => 0 });
    cache.set('a', 'key a');
    cache.set('b', 'key b');
    cache.get('a');
    cache.set('c', 'key c');
    expect(cache.size).toBe(2);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe('key a');
    expect(cache.get('c')).toBe('key c');
  });
});
