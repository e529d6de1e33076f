import { ConfigError } from '@switchboard/config';
import { loadRouterConfig } from './config';

const required = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/switchboard',
  SERVICE_TOKEN_SECRETS: 'a service token secret of 32 bytes or more',
  ENCRYPTION_MASTER_KEYS: `spec=${Buffer.alloc(32, 1).toString('base64')}`,
  BLIND_INDEX_KEY: Buffer.alloc(32, 2).toString('base64'),
};

describe('router config: ROUTER_RECURRING_POLL_INTERVAL', () => {
  it('looks for due runs of recurring schedules every second unless told otherwise', () => {
    expect(loadRouterConfig(required).ROUTER_RECURRING_POLL_INTERVAL).toBe(1000);
    expect(
      loadRouterConfig({ ...required, ROUTER_RECURRING_POLL_INTERVAL: '250ms' })
        .ROUTER_RECURRING_POLL_INTERVAL,
    ).toBe(250);
  });

  it('refuses an interval that is not a duration, naming the variable', () => {
    expect(() => loadRouterConfig({ ...required, ROUTER_RECURRING_POLL_INTERVAL: 'often' })).toThrow(
      ConfigError,
    );
    expect(() => loadRouterConfig({ ...required, ROUTER_RECURRING_POLL_INTERVAL: 'often' })).toThrow(
      /ROUTER_RECURRING_POLL_INTERVAL/,
    );
  });
});

describe('router config: SERVICE_TOKEN_SECRETS', () => {
  it('is required: the internal API accepts no call without a credential signed with one of them', () => {
    const { SERVICE_TOKEN_SECRETS: _unset, ...withoutSecrets } = required;

    expect(() => loadRouterConfig(withoutSecrets)).toThrow(/SERVICE_TOKEN_SECRETS: is required but not set/);
  });

  it('lists every secret, and refuses one shorter than 32 bytes without showing it', () => {
    const rotating = 'the new service token secret of 32+ bytes,the old service token secret of 32+ bytes';
    expect(loadRouterConfig({ ...required, SERVICE_TOKEN_SECRETS: rotating }).SERVICE_TOKEN_SECRETS).toEqual([
      'the new service token secret of 32+ bytes',
      'the old service token secret of 32+ bytes',
    ]);

    const attempt = () =>
      loadRouterConfig({
        ...required,
        SERVICE_TOKEN_SECRETS: 'the new service token secret of 32+ bytes,hunter2',
      });
    expect(attempt).toThrow(/SERVICE_TOKEN_SECRETS: entry 2: each secret must be at least 32 bytes long/);
    expect(attempt).not.toThrow(/hunter2/);
  });
});

describe('router config: encryption at rest', () => {
  it('requires the master keys and the blind index key, naming them without showing a secret', () => {
    const { ENCRYPTION_MASTER_KEYS: _keys, ...withoutMasterKeys } = required;
    const { BLIND_INDEX_KEY: _index, ...withoutIndexKey } = required;

    expect(() => loadRouterConfig(withoutMasterKeys)).toThrow(/ENCRYPTION_MASTER_KEYS: is required/);
    expect(() => loadRouterConfig(withoutIndexKey)).toThrow(/BLIND_INDEX_KEY: is required/);
    expect(() => loadRouterConfig({ ...required, BLIND_INDEX_KEY: 'c2hvcnQ=' })).toThrow(/BLIND_INDEX_KEY/);
  });

  it('keeps the data keys in the shared encryption schema unless told otherwise', () => {
    expect(loadRouterConfig(required).ENCRYPTION_SCHEMA).toBe('encryption');
  });
});
