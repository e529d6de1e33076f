import { ConfigError } from '@switchboard/config';
import { loadSenderEmailConfig, sesProviderSettings } from './config';

const required = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/switchboard',
  EMAIL_FROM: 'Switchboard <noreply@example.com>',
  ENCRYPTION_MASTER_KEYS: `spec=${Buffer.alloc(32, 1).toString('base64')}`,
  BLIND_INDEX_KEY: Buffer.alloc(32, 2).toString('base64'),
};

describe('sender-email config', () => {
  it('sends through one provider in SES_REGION unless providers are listed', () => {
    const config = loadSenderEmailConfig({ ...required, SES_REGION: 'eu-west-1' });
    expect(sesProviderSettings(config)).toEqual([{ name: 'ses-eu-west-1', region: 'eu-west-1' }]);
    expect(config).toMatchObject({ EMAIL_RATE_PER_SECOND: 14, EMAIL_RATE_BURST: 14, EMAIL_LEASE: 60_000 });
  });

  it('reads the providers in order, each with its region and optional endpoint', () => {
    const config = loadSenderEmailConfig({
      ...required,
      EMAIL_PROVIDERS: 'ses-eu-west-1:eu-west-1, ses-local:eu-central-1:http://127.0.0.1:8005',
      EMAIL_RATE_LIMITS: 'ses-local=5.5/10',
      EMAIL_RETRY_BASE_DELAY: '250ms',
    });
    expect(sesProviderSettings(config)).toEqual([
      { name: 'ses-eu-west-1', region: 'eu-west-1' },
      { name: 'ses-local', region: 'eu-central-1', endpoint: 'http://127.0.0.1:8005' },
    ]);
    expect(config.EMAIL_RATE_LIMITS).toEqual([{ name: 'ses-local', ratePerSecond: 5.5, burst: 10 }]);
    expect(config.EMAIL_RETRY_BASE_DELAY).toBe(250);
  });

  it('names the variable and the expected form of a malformed setting', () => {
    expect(() => loadSenderEmailConfig({ ...required, EMAIL_PROVIDERS: 'ses primary' })).toThrow(ConfigError);
    expect(() => loadSenderEmailConfig({ ...required, EMAIL_PROVIDERS: 'ses-a:us-east-1:ftp://x' })).toThrow(
      /EMAIL_PROVIDERS.*http\(s\) URL/s,
    );
    expect(() => loadSenderEmailConfig({ ...required, EMAIL_RATE_LIMITS: 'ses-a=fast' })).toThrow(
      /EMAIL_RATE_LIMITS.*name=rate\/burst/s,
    );
    expect(() => loadSenderEmailConfig({ ...required, SES_REGION: 'Europe' })).toThrow(
      /SES_REGION.*AWS region/s,
    );
  });

  it('refuses what only the settings together show to be wrong, naming each variable', () => {
    const load = () =>
      loadSenderEmailConfig({
        ...required,
        EMAIL_PROVIDERS: 'ses-a:us-east-1,ses-a:eu-west-1',
        EMAIL_RATE_LIMITS: 'ses-b=1/1',
        EMAIL_SEND_TIMEOUT: '30s',
        EMAIL_LEASE: '20s',
      });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/EMAIL_PROVIDERS: names ses-a more than once/);
    expect(load).toThrow(/EMAIL_RATE_LIMITS: names ses-b, which is not a provider/);
    expect(load).toThrow(/EMAIL_LEASE: must be longer than EMAIL_SEND_TIMEOUT/);
  });

  it('refuses to start without the master keys that open the sealed dispatches, naming the variable', () => {
    const { ENCRYPTION_MASTER_KEYS: _keys, ...withoutMasterKeys } = required;
    expect(() => loadSenderEmailConfig(withoutMasterKeys)).toThrow(/ENCRYPTION_MASTER_KEYS: is required/);
  });
});
