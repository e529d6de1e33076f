import { randomBytes } from 'node:crypto';
import { ConfigError } from '@switchboard/config';
import { loadRotateKeysConfig } from './rotate-keys-config';

const DATABASE_URL = 'postgres://switchboard@127.0.0.1:5432/switchboard';
const secret = randomBytes(32).toString('base64');

function problemsOf(environment: Record<string, string>): string[] {
  try {
    loadRotateKeysConfig(environment);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => `${p.variable}: ${p.problem}`);
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadRotateKeysConfig', () => {
  it('reads the keyring and the shared schema, and needs no blind index key', () => {
    const config = loadRotateKeysConfig({
      DATABASE_URL,
      ENCRYPTION_MASTER_KEYS: `new=${secret},old=${secret}`,
    });
    expect(config.ENCRYPTION_KEY_PROVIDER).toBe('local');
    expect(config.ENCRYPTION_MASTER_KEYS?.keys.map((key) => key.id)).toEqual(['new', 'old']);
    expect(config.ENCRYPTION_SCHEMA).toBe('encryption');
  });

  it('names each missing or invalid variable, never echoing a secret', () => {
    expect(problemsOf({})).toEqual([expect.stringMatching(/^DATABASE_URL: /)]);
    expect(problemsOf({ DATABASE_URL })).toEqual([
      'ENCRYPTION_MASTER_KEYS: is required when ENCRYPTION_KEY_PROVIDER is local',
    ]);
    expect(problemsOf({ DATABASE_URL, ENCRYPTION_KEY_PROVIDER: 'aws-kms' })).toEqual([
      'ENCRYPTION_KMS_KEY_ID: is required when ENCRYPTION_KEY_PROVIDER is aws-kms',
    ]);
    const short = randomBytes(8).toString('base64');
    const problems = problemsOf({
      DATABASE_URL,
      ENCRYPTION_MASTER_KEYS: `a=${short}`,
      ENCRYPTION_SCHEMA: 'No-Such',
    });
    expect(problems).toEqual([
      expect.stringMatching(/^ENCRYPTION_MASTER_KEYS: /),
      expect.stringMatching(/^ENCRYPTION_SCHEMA: /),
    ]);
    expect(problems.join('\n')).not.toContain(short);
  });
});
