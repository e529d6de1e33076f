import { ConfigError } from '@switchboard/config';
import { loadGatewayConfig } from '../config';

const required = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/switchboard',
  SERVICE_TOKEN_SECRETS: 'a service token secret of 32 bytes or more',
  ENCRYPTION_MASTER_KEYS: `spec=${Buffer.alloc(32, 1).toString('base64')}`,
  BLIND_INDEX_KEY: Buffer.alloc(32, 2).toString('base64'),
};

describe('gateway config: request limits', () => {
  it('defaults to 100 requests a second per key (bursts of 200) and 300 per tenant (bursts of 600)', () => {
    const config = loadGatewayConfig(required);

    expect([config.REQUEST_RATE_PER_KEY, config.REQUEST_BURST_PER_KEY]).toEqual([100, 200]);
    expect([config.REQUEST_RATE_PER_TENANT, config.REQUEST_BURST_PER_TENANT]).toEqual([300, 600]);
  });

  it('refuses a rate that is not a whole number of at least 1, naming the variable', () => {
    const attempt = () =>
      loadGatewayConfig({ ...required, REQUEST_RATE_PER_KEY: '0', REQUEST_BURST_PER_TENANT: 'lots' });

    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/REQUEST_RATE_PER_KEY/);
    expect(attempt).toThrow(/REQUEST_BURST_PER_TENANT/);
  });
});
