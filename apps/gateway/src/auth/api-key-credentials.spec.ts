import { bearerToken, generateApiKey, hashApiKey } from './api-key-credentials';

describe('bearerToken', () => {
  it('reads the key of a Bearer header, whatever the scheme’s case', () => {
    expect(bearerToken('Bearer sk_live_abc')).toBe('sk_live_abc');
    expect(bearerToken('bearer sk_live_abc')).toBe('sk_live_abc');
  });

  it('finds no key in a missing, empty or other-scheme header', () => {
    expect(bearerToken(undefined)).toBeUndefined();
    expect(bearerToken('Bearer ')).toBeUndefined();
    expect(bearerToken('Basic dXNlcjpwYXNz')).toBeUndefined();
    expect(bearerToken('Bearer two words')).toBeUndefined();
  });
});

describe('hashApiKey', () => {
  it('is a stable sha256 hex digest that does not contain the key', () => {
    const hash = hashApiKey('sk_live_abc');
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).toBe(hashApiKey('sk_live_abc'));
    expect(hash).not.toBe(hashApiKey('sk_live_abd'));
  });
});

describe('generateApiKey', () => {
  it('makes a prefixed key of 256 random bits that a Bearer header carries as it is', () => {
    const key = generateApiKey();

    expect(key).toMatch(/^sb_live_[A-Za-z0-9_-]{43}$/);
    expect(bearerToken(`Bearer ${key}`)).toBe(key);
  });

  it('never makes the same key twice', () => {
    const keys = new Set(Array.from({ length: 1000 }, () => generateApiKey()));

    expect(keys.size).toBe(1000);
  });
});
