import { ConfigError } from '@switchboard/config';
import { generateVAPIDKeys } from 'web-push';
import { loadSenderPushConfig } from './config';

const pair = generateVAPIDKeys();
const base = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/switchboard',
  VAPID_PUBLIC_KEY: pair.publicKey,
  VAPID_PRIVATE_KEY: pair.privateKey,
  VAPID_SUBJECT: 'mailto:push@example.com',
  ENCRYPTION_MASTER_KEYS: `spec=${Buffer.alloc(32, 1).toString('base64')}`,
  BLIND_INDEX_KEY: Buffer.alloc(32, 2).toString('base64'),
};

function problemsOf(environment: Record<string, string>): string[] {
  try {
    loadSenderPushConfig(environment);
  } catch (error) {
    if (error instanceof ConfigError)
      return error.problems.map(({ variable, problem }) => `${variable}: ${problem}`);
    throw error;
  }
  return [];
}

describe('loadSenderPushConfig', () => {
  it('loads a VAPID key pair with the production defaults: no sandbox origins', () => {
    expect(loadSenderPushConfig(base)).toMatchObject({
      PORT: 3107,
      VAPID_PUBLIC_KEY: pair.publicKey,
      PUSH_REQUEST_TIMEOUT: 5_000,
      PUSH_MAX_ATTEMPTS: 8,
      PUSH_SANDBOX_ORIGINS: undefined,
    });
  });

  it('lists every problem, naming the variable, without echoing the private key', () => {
    const problems = problemsOf({
      ...base,
      VAPID_PUBLIC_KEY: 'AAAA',
      VAPID_PRIVATE_KEY: 'not base64url!',
      VAPID_SUBJECT: 'http://example.com',
    });
    expect(problems).toEqual([
      'VAPID_PUBLIC_KEY: must decode to 65 bytes, an uncompressed P-256 point',
      expect.stringMatching(/^VAPID_PRIVATE_KEY: must be base64url/),
      expect.stringMatching(/^VAPID_SUBJECT: must be a mailto: address or an https: URL/),
    ]);
    expect(problems.join('\n')).not.toContain('not base64url!');
  });

  it('refuses a private key that does not belong to the public key', () => {
    expect(problemsOf({ ...base, VAPID_PRIVATE_KEY: generateVAPIDKeys().privateKey })).toEqual([
      'VAPID_PRIVATE_KEY: is not the private key of VAPID_PUBLIC_KEY',
    ]);
  });

  it('accepts only loopback origins as sandbox push services', () => {
    expect(
      loadSenderPushConfig({ ...base, PUSH_SANDBOX_ORIGINS: 'http://127.0.0.1:8006' }).PUSH_SANDBOX_ORIGINS,
    ).toEqual(['http://127.0.0.1:8006']);
    expect(
      problemsOf({ ...base, PUSH_SANDBOX_ORIGINS: 'http://127.0.0.1:8006, https://push.example.com' }),
    ).toEqual(['PUSH_SANDBOX_ORIGINS: entry 2 must be on 127.0.0.1 or [::1]: the sandbox is local only']);
  });

  it('refuses to start without the master keys that open the sealed dispatches, naming the variable', () => {
    const { ENCRYPTION_MASTER_KEYS: _keys, ...withoutMasterKeys } = base;
    expect(problemsOf(withoutMasterKeys)).toEqual([
      'ENCRYPTION_MASTER_KEYS: is required when ENCRYPTION_KEY_PROVIDER is local',
    ]);
  });
});
