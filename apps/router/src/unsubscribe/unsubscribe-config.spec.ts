import { ConfigError } from '@switchboard/config';
import { loadRouterConfig } from '../config';

const required = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/switchboard',
  SERVICE_TOKEN_SECRETS: 'a service token secret of 32 bytes or more',
  ENCRYPTION_MASTER_KEYS: `spec=${Buffer.alloc(32, 1).toString('base64')}`,
  BLIND_INDEX_KEY: Buffer.alloc(32, 2).toString('base64'),
};

describe('router config: unsubscribe links', () => {
  it('signs no links unless keys are given, and points them at the gateway on this machine by default', () => {
    const config = loadRouterConfig(required);

    expect(config.LINK_SIGNING_KEYS).toBeUndefined();
    expect(config.PUBLIC_BASE_URL).toBe('http://127.0.0.1:3000');
  });

  it('reads the signing keys, the first one signing', () => {
    const config = loadRouterConfig({
      ...required,
      LINK_SIGNING_KEYS: `new:${'1'.repeat(64)},old:${'2'.repeat(64)}`,
    });

    expect(config.LINK_SIGNING_KEYS?.keys.map((key) => key.keyId)).toEqual(['new', 'old']);
  });

  it('refuses a short secret, naming the variable and not showing the secret', () => {
    const attempt = () => loadRouterConfig({ ...required, LINK_SIGNING_KEYS: 'new:deadbeef' });

    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/LINK_SIGNING_KEYS/);
    expect(attempt).not.toThrow(/deadbeef/);
  });
});
