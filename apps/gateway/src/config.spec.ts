import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@switchboard/config';
import { loadGatewayConfig } from './config';

const required = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/switchboard',
  SERVICE_TOKEN_SECRETS: 'a service token secret of 32 bytes or more',
  ENCRYPTION_MASTER_KEYS: `spec=${Buffer.alloc(32, 1).toString('base64')}`,
  BLIND_INDEX_KEY: Buffer.alloc(32, 2).toString('base64'),
};
const OPERATOR_KEY = 'sbop_0123456789abcdefghijklmnopqrstuvwxyz_-AB';

/** The problems the config names, as the start-up error prints them. */
function problemsOf(environment: Record<string, string>): string {
  try {
    loadGatewayConfig({ ...required, ...environment });
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  return '';
}

describe('gateway config: OPERATOR_API_KEYS', () => {
  it('reads a comma-separated list of operator keys, and none when unset', () => {
    const config = loadGatewayConfig({ ...required, OPERATOR_API_KEYS: `${OPERATOR_KEY}, ${OPERATOR_KEY}9` });

    expect(config.OPERATOR_API_KEYS).toEqual([OPERATOR_KEY, `${OPERATOR_KEY}9`]);
    expect(loadGatewayConfig(required).OPERATOR_API_KEYS).toBeUndefined();
  });

  it('refuses a key that is not sbop_ and 32 url-safe characters, without echoing it', () => {
    const short = 'sbop_tooshort';
    const problems = problemsOf({ OPERATOR_API_KEYS: `${OPERATOR_KEY},${short}` });

    expect(problems).toContain('OPERATOR_API_KEYS');
    expect(problems).toContain('entry 2');
    expect(problems).not.toContain(short);
    expect(problemsOf({ OPERATOR_API_KEYS: `sb_live_${'x'.repeat(40)}` })).toContain('OPERATOR_API_KEYS');
  });

  it('refuses an operator key that is also the development API key', () => {
    const problems = problemsOf({ OPERATOR_API_KEYS: OPERATOR_KEY, SWITCHBOARD_DEV_API_KEY: OPERATOR_KEY });

    expect(problems).toContain('OPERATOR_API_KEYS: must not repeat SWITCHBOARD_DEV_API_KEY');
    expect(problems).not.toContain(OPERATOR_KEY);
  });
});

describe('gateway config: LINK_SIGNING_KEYS', () => {
  it('checks no links unless keys are given', () => {
    expect(loadGatewayConfig(required).LINK_SIGNING_KEYS).toBeUndefined();
  });

  it('reads every key, so that links of a key being retired still open', () => {
    const config = loadGatewayConfig({
      ...required,
      LINK_SIGNING_KEYS: `new:${'1'.repeat(64)},old:${Buffer.alloc(32, 9).toString('base64url')}`,
    });

    expect(config.LINK_SIGNING_KEYS?.keys.map((key) => key.keyId)).toEqual(['new', 'old']);
  });

  it('refuses a secret shorter than 32 bytes, naming the variable and not showing the secret', () => {
    const attempt = () => loadGatewayConfig({ ...required, LINK_SIGNING_KEYS: 'new:c2hvcnQ' });

    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/LINK_SIGNING_KEYS/);
    expect(attempt).not.toThrow(/c2hvcnQ/);
  });
});

describe('gateway config: SMS_REPLY_TOPICS', () => {
  const topic = 'arn:aws:sns:eu-west-1:123456789012:sms-replies';

  it('reads each two-way SMS topic with its tenant, and none when unset', () => {
    const config = loadGatewayConfig({ ...required, SMS_REPLY_TOPICS: `${topic}=acme, ${topic}-2=globex` });

    expect(config.SMS_REPLY_TOPICS).toEqual([
      { topicArn: topic, tenantId: 'acme' },
      { topicArn: `${topic}-2`, tenantId: 'globex' },
    ]);
    expect(loadGatewayConfig(required).SMS_REPLY_TOPICS).toBeUndefined();
  });

  it('refuses an entry without a tenant or with something other than a topic ARN, naming the entry', () => {
    expect(problemsOf({ SMS_REPLY_TOPICS: topic })).toMatch(
      /SMS_REPLY_TOPICS: entry 1: must be <SNS topic ARN>=<tenant id>/,
    );
    expect(problemsOf({ SMS_REPLY_TOPICS: `${topic}=acme,https://example.com=acme` })).toContain('entry 2');
  });

  it('refuses a topic given to two tenants', () => {
    expect(problemsOf({ SMS_REPLY_TOPICS: `${topic}=acme,${topic}=globex` })).toContain(
      'SMS_REPLY_TOPICS: must name each topic once',
    );
  });
});

describe('gateway config: TLS_CERT and TLS_KEY', () => {
  let directory: string;
  let certFile: string;
  let keyFile: string;

  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), 'gateway-config-spec-'));
    certFile = join(directory, 'gateway.pem');
    keyFile = join(directory, 'gateway-key.pem');
    writeFileSync(certFile, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    writeFileSync(keyFile, '-----BEGIN PRIVATE KEY-----\nsecret-key-material\n-----END PRIVATE KEY-----\n');
  });

  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('serves plain HTTP when neither is set, and takes both paths when both are', () => {
    expect(loadGatewayConfig(required)).toMatchObject({ TLS_CERT: undefined, TLS_KEY: undefined });
    expect(loadGatewayConfig({ ...required, TLS_CERT: certFile, TLS_KEY: keyFile })).toMatchObject({
      TLS_CERT: certFile,
      TLS_KEY: keyFile,
    });
  });

  it('refuses one without the other, naming the missing one', () => {
    expect(problemsOf({ TLS_CERT: certFile })).toContain('TLS_CERT: needs TLS_KEY, its private key');
    expect(problemsOf({ TLS_KEY: keyFile })).toContain(
      'TLS_KEY: needs TLS_CERT, the certificate it belongs to',
    );
  });

  it('refuses a file it cannot read, without quoting a key', () => {
    const missing = join(directory, 'missing.pem');
    const problems = problemsOf({ TLS_CERT: missing, TLS_KEY: certFile });

    expect(problems).toContain(`TLS_CERT: cannot read ${missing}: no such file`);
    expect(problemsOf({ TLS_CERT: certFile, TLS_KEY: directory })).toContain('TLS_KEY: cannot read');
    expect(problems).not.toContain('secret-key-material');
  });
});
