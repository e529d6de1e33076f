import { ConfigError } from '@switchboard/config';
import { loadTemplateConfig } from './config';

const required = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/switchboard',
  SERVICE_TOKEN_SECRETS: 'a service token secret of 32 bytes or more',
  ENCRYPTION_MASTER_KEYS: `spec=${Buffer.alloc(32, 1).toString('base64')}`,
  BLIND_INDEX_KEY: Buffer.alloc(32, 2).toString('base64'),
};

describe('template config', () => {
  it('loads the required variables with the defaults', () => {
    expect(loadTemplateConfig(required)).toMatchObject({
      PORT: 3103,
      TEMPLATE_PARTITIONS_CONCURRENCY: 3,
      TEMPLATE_VERSION_CACHE_TTL: 5_000,
      ENCRYPTION_KEY_PROVIDER: 'local',
    });
  });

  it('refuses to start without the keys that seal render requests and dispatches, naming each variable without a secret', () => {
    const { ENCRYPTION_MASTER_KEYS: _keys, ...withoutMasterKeys } = required;
    const { BLIND_INDEX_KEY: _index, ...withoutIndexKey } = required;
    const tooShortKey = () => loadTemplateConfig({ ...required, ENCRYPTION_MASTER_KEYS: 'spec=c2hvcnQ=' });

    expect(() => loadTemplateConfig(withoutMasterKeys)).toThrow(ConfigError);
    expect(() => loadTemplateConfig(withoutMasterKeys)).toThrow(
      /ENCRYPTION_MASTER_KEYS: is required when ENCRYPTION_KEY_PROVIDER is local/,
    );
    expect(() => loadTemplateConfig(withoutIndexKey)).toThrow(/BLIND_INDEX_KEY: is required/);
    expect(tooShortKey).toThrow(/ENCRYPTION_MASTER_KEYS/);
    expect(tooShortKey).not.toThrow(/c2hvcnQ=/);
  });
});
