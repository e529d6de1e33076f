import { ConfigError } from '@switchboard/config';
import { loadSenderSmsConfig } from './config';

const required = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/switchboard',
  ENCRYPTION_MASTER_KEYS: `spec=${Buffer.alloc(32, 1).toString('base64')}`,
  BLIND_INDEX_KEY: Buffer.alloc(32, 2).toString('base64'),
};

describe('sender-sms config', () => {
  it('reads the providers in order, each with its region and optional endpoint', () => {
    const config = loadSenderSmsConfig({
      ...required,
      SMS_PROVIDERS: 'sns-us-east-1:us-east-1, sns-local:eu-west-1:http://127.0.0.1:8006',
      SMS_RATE_LIMITS: 'sns-local=5.5/10',
      SMS_RETRY_BASE_DELAY: '250ms',
    });
    expect(config.SMS_PROVIDERS).toEqual([
      { name: 'sns-us-east-1', region: 'us-east-1' },
      { name: 'sns-local', region: 'eu-west-1', endpoint: 'http://127.0.0.1:8006' },
    ]);
    expect(config.SMS_RATE_LIMITS).toEqual([{ name: 'sns-local', ratePerSecond: 5.5, burst: 10 }]);
    expect(config.SMS_RETRY_BASE_DELAY).toBe(250);
    expect(config.SMS_RATE_PER_SECOND).toBe(20);
  });

  it('names the variable and the expected form of a malformed provider list', () => {
    expect(() => loadSenderSmsConfig({ ...required, SMS_PROVIDERS: 'sns primary' })).toThrow(ConfigError);
    expect(() => loadSenderSmsConfig({ ...required, SMS_PROVIDERS: 'sns-a:us-east-1:ftp://x' })).toThrow(
      /SMS_PROVIDERS.*http\(s\) URL/s,
    );
    expect(() => loadSenderSmsConfig({ ...required, SMS_RATE_LIMITS: 'sns-a=fast' })).toThrow(
      /SMS_RATE_LIMITS.*name=rate\/burst/s,
    );
  });

  it('refuses a lease no longer than the send timeout, which could send an SMS twice', () => {
    expect(() => loadSenderSmsConfig({ ...required, SMS_SEND_TIMEOUT: '2m' })).toThrow(
      /SMS_LEASE: must be longer than SMS_SEND_TIMEOUT \(120000 ms\)/,
    );
    expect(loadSenderSmsConfig({ ...required, SMS_SEND_TIMEOUT: '2m', SMS_LEASE: '3m' }).SMS_LEASE).toBe(
      180_000,
    );
  });

  it('refuses to start without the master keys that open the sealed dispatches, naming the variable', () => {
    const { ENCRYPTION_MASTER_KEYS: _keys, ...withoutMasterKeys } = required;
    expect(() => loadSenderSmsConfig(withoutMasterKeys)).toThrow(/ENCRYPTION_MASTER_KEYS: is required/);
  });
});
