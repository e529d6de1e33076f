import { ConfigError, defineConfig, loadConfig } from '@switchboard/config';
import { randomBytes } from 'node:crypto';
import { keyProviderFrom } from './create-encryption';
import { encryptionVariables } from './encryption-variables';
import { LocalKeyProvider } from './key-provider';
import { KmsKeyProvider } from './kms-key-provider';

const spec = defineConfig({ ...encryptionVariables });
const secret = () => randomBytes(32).toString('base64');

function problemsOf(environment: Record<string, string>): string[] {
  try {
    loadConfig(spec, environment);
  } catch (error) {
    if (error instanceof ConfigError)
      return error.problems.map(({ variable, problem }) => `${variable}: ${problem}`);
    throw error;
  }
  return [];
}

describe('encryption configuration variables', () => {
  it('reads the local provider with its master keys and blind index key', () => {
    const config = loadConfig(spec, {
      ENCRYPTION_MASTER_KEYS: `2026a=${secret()}`,
      BLIND_INDEX_KEY: secret(),
    });
    expect(config.ENCRYPTION_KEY_PROVIDER).toBe('local');
    expect(config.ENCRYPTION_KEY_CACHE_TTL).toBe(60_000);
    expect(config.ENCRYPTION_SCHEMA).toBe('encryption');
    const provider = keyProviderFrom(config);
    expect(provider).toBeInstanceOf(LocalKeyProvider);
    expect(provider.wrappingKeyId).toBe('2026a');
  });

  it('builds a KMS provider for aws-kms', () => {
    const config = loadConfig(spec, {
      ENCRYPTION_KEY_PROVIDER: 'aws-kms',
      ENCRYPTION_KMS_KEY_ID: 'alias/switchboard',
      ENCRYPTION_KMS_REGION: 'eu-west-1',
      BLIND_INDEX_KEY: secret(),
    });
    const provider = keyProviderFrom(config);
    expect(provider).toBeInstanceOf(KmsKeyProvider);
    expect(provider.wrappingKeyId).toBe('alias/switchboard');
  });

  it('names each missing or weak variable without echoing a secret', () => {
    const weak = randomBytes(16).toString('base64');
    const problems = problemsOf({ ENCRYPTION_MASTER_KEYS: `a=${weak}`, BLIND_INDEX_KEY: weak });
    expect(problems).toEqual([
      expect.stringMatching(
        /^ENCRYPTION_MASTER_KEYS: keys\.0: the master key a must be base64 of at least 32/,
      ),
      expect.stringMatching(/^BLIND_INDEX_KEY: secret: must be base64 of at least 32/),
    ]);
    expect(problems.join('\n')).not.toContain(weak);
  });

  it('requires the key of the chosen provider', () => {
    expect(problemsOf({ BLIND_INDEX_KEY: secret() })).toEqual([
      'ENCRYPTION_MASTER_KEYS: is required when ENCRYPTION_KEY_PROVIDER is local',
    ]);
    expect(problemsOf({ ENCRYPTION_KEY_PROVIDER: 'aws-kms', BLIND_INDEX_KEY: secret() })).toEqual([
      'ENCRYPTION_KMS_KEY_ID: is required when ENCRYPTION_KEY_PROVIDER is aws-kms',
    ]);
  });
});
