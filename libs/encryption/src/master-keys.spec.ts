import { randomBytes } from 'node:crypto';
import { EncryptionError } from './encryption-error';
import { masterKeyringSchema, parseBlindIndexSecret, parseMasterKeyring } from './master-keys';

const secret = () => randomBytes(32).toString('base64');

function problemsOf(text: string): string[] {
  try {
    parseMasterKeyring(text);
  } catch (error) {
    if (error instanceof EncryptionError)
      return error.problems.map(({ field, problem }) => `${field}: ${problem}`);
    throw error;
  }
  return [];
}

describe('ENCRYPTION_MASTER_KEYS', () => {
  it('reads id=base64 entries in order, the first wrapping new keys', () => {
    const first = randomBytes(32);
    const second = randomBytes(48);
    const keyring = parseMasterKeyring(
      ` 2026b=${first.toString('base64')} , 2026a=${second.toString('base64url')}`,
    );
    expect(keyring.keys.map((key) => key.id)).toEqual(['2026b', '2026a']);
    expect(keyring.keys[0].secret.equals(first)).toBe(true);
    expect(keyring.keys[1].secret.equals(second)).toBe(true);
  });

  it('lists every entry at fault by position and id, never the secret', () => {
    const short = randomBytes(16).toString('base64');
    const problems = problemsOf(`a=${secret()},a=${secret()},b=${short},no-separator,c=not*base64`);
    expect(problems).toEqual([
      'keys.1: repeats the master key id a',
      expect.stringMatching(/^keys\.2: the master key b must be base64 of at least 32 random bytes/),
      'keys.3: must be id=base64 with an id of 1-32 letters, digits, _ or -',
      expect.stringMatching(/^keys\.4: the master key c must be base64/),
    ]);
    expect(problems.join(' ')).not.toContain(short);
  });

  it('refuses an empty list', () => {
    expect(problemsOf(' , ')).toEqual(['keys: must list at least one id=base64 master key']);
  });

  it('reports problems as config issues through its schema', () => {
    const result = masterKeyringSchema.safeParse('a=c2hvcnQ=');
    expect(result.success).toBe(false);
    expect(result.error?.issues[0].message).toMatch(
      /keys\.0: the master key a must be base64 of at least 32/,
    );
  });
});

describe('BLIND_INDEX_KEY', () => {
  it('takes base64 of at least 32 bytes and refuses less', () => {
    const bytes = randomBytes(32);
    expect(parseBlindIndexSecret(bytes.toString('base64')).equals(bytes)).toBe(true);
    expect(() => parseBlindIndexSecret(randomBytes(31).toString('base64'))).toThrow(/at least 32 bytes/);
  });
});
