import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { commonVariables } from './common-variables';
import { ConfigError } from './config-error';
import { defineConfig } from './config-variable';
import { env } from './env';
import { describeConfig, loadConfig, summarizeConfig } from './load-config';

const serviceSpec = defineConfig({
  ...commonVariables,
  SENDER_RATE_PER_SECOND: {
    schema: env.int({ min: 1, max: 10_000, default: 50 }),
    description: 'Provider calls per second',
  },
  PROVIDER_API_KEY: {
    schema: env.string(),
    description: 'Provider API key',
    sensitive: true,
  },
});

const validEnvironment = {
  DATABASE_URL: 'postgres://postgres:s3cret@127.0.0.1:5432/switchboard',
  PROVIDER_API_KEY: 'key-123',
};

function problemsOf(load: () => unknown): { variable: string; problem: string }[] {
  try {
    load();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('returns typed values with defaults applied for unset variables', () => {
    const config = loadConfig(serviceSpec, validEnvironment);

    const port: number = config.PORT;
    const brokers: string[] = config.KAFKA_BROKERS;
    const endpoint: string | undefined = config.OTEL_EXPORTER_OTLP_ENDPOINT;
    expect({ port, brokers, endpoint }).toEqual({
      port: 3000,
      brokers: ['127.0.0.1:9092'],
      endpoint: undefined,
    });
    expect(config.LOG_LEVEL).toBe('info');
    expect(config.SENDER_RATE_PER_SECOND).toBe(50);
    expect(config.DATABASE_URL).toBe(validEnvironment.DATABASE_URL);
  });

  it('lists every problem at once, each as NAME: problem', () => {
    const environment = {
      PORT: '70000',
      LOG_LEVEL: 'loud',
      KAFKA_BROKERS: 'kafka-1:9092,kafka-2',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318',
      SENDER_RATE_PER_SECOND: 'fast',
    };

    let thrown: unknown;
    try {
      loadConfig(serviceSpec, environment);
    } catch (error) {
      thrown = error;
    }

    expect(thrown).toBeInstanceOf(ConfigError);
    const error = thrown as ConfigError;
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.problems).toEqual([
      { variable: 'KAFKA_BROKERS', problem: 'entry 2: must be host:port, e.g. 127.0.0.1:9092' },
      { variable: 'DATABASE_URL', problem: 'is required but not set' },
      { variable: 'LOG_LEVEL', problem: 'must be one of debug, info, warn, error' },
      { variable: 'OTEL_EXPORTER_OTLP_ENDPOINT', problem: 'must be a URL starting with http:// or https://' },
      { variable: 'PORT', problem: 'must be at most 65535' },
      { variable: 'SENDER_RATE_PER_SECOND', problem: 'must be a whole number' },
      { variable: 'PROVIDER_API_KEY', problem: 'is required but not set' },
    ]);
    expect(error.message).toContain('invalid configuration, 7 problems:');
    expect(error.message).toContain('\n  PORT: must be at most 65535');
  });

  it('never echoes a sensitive value in the error, even when the schema message contains it', () => {
    const spec = defineConfig({
      SIGNING_SECRET: {
        schema: z
          .string()
          .refine((value) => value.length >= 32, { error: (issue) => `too short: ${issue.input}` }),
        description: 'Webhook signing secret',
        sensitive: true,
      },
      DATABASE_URL: commonVariables.DATABASE_URL,
    });

    const problems = problemsOf(() =>
      loadConfig(spec, { SIGNING_SECRET: 'hunter2-hunter2', DATABASE_URL: 'mysql://root:pa55word@db/app' }),
    );

    expect(problems).toEqual([
      { variable: 'SIGNING_SECRET', problem: 'too short: [hidden]' },
      { variable: 'DATABASE_URL', problem: 'must be a URL starting with postgres:// or postgresql://' },
    ]);
    const message = JSON.stringify(problems);
    expect(message).not.toContain('hunter2');
    expect(message).not.toContain('pa55word');
  });

  it('treats blank values as unset and trims the others', () => {
    const config = loadConfig(serviceSpec, { ...validEnvironment, PORT: '  ', LOG_LEVEL: ' debug ' });

    expect(config.PORT).toBe(3000);
    expect(config.LOG_LEVEL).toBe('debug');
  });

  it('reads process.env when no environment is given', () => {
    const spec = defineConfig({
      SWITCHBOARD_CONFIG_SPEC_PROBE: { schema: env.string(), description: 'probe' },
    });
    process.env.SWITCHBOARD_CONFIG_SPEC_PROBE = 'from-process';
    try {
      expect(loadConfig(spec).SWITCHBOARD_CONFIG_SPEC_PROBE).toBe('from-process');
    } finally {
      delete process.env.SWITCHBOARD_CONFIG_SPEC_PROBE;
    }
  });

  it('returns a frozen object', () => {
    const config = loadConfig(serviceSpec, validEnvironment);

    expect(Object.isFrozen(config)).toBe(true);
  });
});

describe('loadConfig: Kafka TLS and SASL variables', () => {
  const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
  let directory: string;
  let pemFile: string;

  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), 'config-spec-'));
    pemFile = join(directory, 'ca.pem');
    writeFileSync(pemFile, PEM);
  });

  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('leaves TLS and SASL off by default', () => {
    const config = loadConfig(serviceSpec, validEnvironment);

    expect(config.KAFKA_TLS).toBe(false);
    expect(config.KAFKA_TLS_CA_FILE).toBeUndefined();
    expect(config.KAFKA_SASL_MECHANISM).toBeUndefined();
  });

  it('reads TLS files as paths and the SASL mechanism in any case', () => {
    const config = loadConfig(serviceSpec, {
      ...validEnvironment,
      KAFKA_TLS: 'true',
      KAFKA_TLS_CA_FILE: pemFile,
      KAFKA_TLS_CERT_FILE: pemFile,
      KAFKA_TLS_KEY_FILE: pemFile,
      KAFKA_TLS_SERVER_NAME: 'kafka.internal.example.com',
      KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
      KAFKA_SASL_USERNAME: 'switchboard',
      KAFKA_SASL_PASSWORD: 'pa55-word',
    });

    expect(config).toMatchObject({
      KAFKA_TLS: true,
      KAFKA_TLS_CA_FILE: pemFile,
      KAFKA_TLS_KEY_FILE: pemFile,
      KAFKA_TLS_SERVER_NAME: 'kafka.internal.example.com',
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'switchboard',
    });
  });

  it('names an unreadable file and a file that is not PEM, without quoting the content', () => {
    const notPem = join(directory, 'key.txt');
    writeFileSync(notPem, 'private key material');

    const problems = problemsOf(() =>
      loadConfig(serviceSpec, {
        ...validEnvironment,
        KAFKA_TLS: 'true',
        KAFKA_TLS_CA_FILE: join(directory, 'missing.pem'),
        KAFKA_TLS_CERT_FILE: directory,
        KAFKA_TLS_KEY_FILE: notPem,
      }),
    );

    expect(problems).toEqual([
      {
        variable: 'KAFKA_TLS_CA_FILE',
        problem: `cannot read ${join(directory, 'missing.pem')}: no such file`,
      },
      { variable: 'KAFKA_TLS_CERT_FILE', problem: `cannot read ${directory}: it is a directory` },
      { variable: 'KAFKA_TLS_KEY_FILE', problem: `${notPem} must hold PEM (-----BEGIN ...-----)` },
    ]);
    expect(JSON.stringify(problems)).not.toContain('private key material');
  });

  it('refuses a TLS setting while KAFKA_TLS is off, and a certificate without its key', () => {
    expect(
      problemsOf(() =>
        loadConfig(serviceSpec, {
          ...validEnvironment,
          KAFKA_TLS_CA_FILE: pemFile,
          KAFKA_TLS_SERVER_NAME: 'kafka.example.com',
        }),
      ),
    ).toEqual([
      { variable: 'KAFKA_TLS_CA_FILE', problem: 'needs KAFKA_TLS=true' },
      { variable: 'KAFKA_TLS_SERVER_NAME', problem: 'needs KAFKA_TLS=true' },
    ]);
    expect(
      problemsOf(() =>
        loadConfig(serviceSpec, { ...validEnvironment, KAFKA_TLS: 'true', KAFKA_TLS_CERT_FILE: pemFile }),
      ),
    ).toEqual([{ variable: 'KAFKA_TLS_CERT_FILE', problem: 'needs KAFKA_TLS_KEY_FILE, its private key' }]);
    expect(
      problemsOf(() =>
        loadConfig(serviceSpec, { ...validEnvironment, KAFKA_TLS: 'true', KAFKA_TLS_KEY_FILE: pemFile }),
      ),
    ).toEqual([
      { variable: 'KAFKA_TLS_KEY_FILE', problem: 'needs KAFKA_TLS_CERT_FILE, the certificate it belongs to' },
    ]);
  });

  it('refuses a mechanism without credentials and credentials without a mechanism, never echoing the password', () => {
    expect(
      problemsOf(() =>
        loadConfig(serviceSpec, { ...validEnvironment, KAFKA_SASL_MECHANISM: 'scram-sha-256' }),
      ),
    ).toEqual([
      { variable: 'KAFKA_SASL_USERNAME', problem: 'is required when KAFKA_SASL_MECHANISM is set' },
      { variable: 'KAFKA_SASL_PASSWORD', problem: 'is required when KAFKA_SASL_MECHANISM is set' },
    ]);
    const problems = problemsOf(() =>
      loadConfig(serviceSpec, {
        ...validEnvironment,
        KAFKA_SASL_USERNAME: 'sb',
        KAFKA_SASL_PASSWORD: 'hunter2',
      }),
    );
    expect(problems).toEqual([
      {
        variable: 'KAFKA_SASL_MECHANISM',
        problem: 'is required when KAFKA_SASL_USERNAME or KAFKA_SASL_PASSWORD is set',
      },
    ]);
    expect(JSON.stringify(problems)).not.toContain('hunter2');
  });

  it('refuses an unknown mechanism, and PLAIN without TLS', () => {
    const sasl = { KAFKA_SASL_USERNAME: 'sb', KAFKA_SASL_PASSWORD: 'hunter2' };

    expect(
      problemsOf(() =>
        loadConfig(serviceSpec, { ...validEnvironment, ...sasl, KAFKA_SASL_MECHANISM: 'GSSAPI' }),
      ),
    ).toEqual([
      { variable: 'KAFKA_SASL_MECHANISM', problem: 'must be one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512' },
    ]);
    expect(
      problemsOf(() =>
        loadConfig(serviceSpec, { ...validEnvironment, ...sasl, KAFKA_SASL_MECHANISM: 'PLAIN' }),
      ),
    ).toEqual([
      {
        variable: 'KAFKA_SASL_MECHANISM',
        problem: 'PLAIN sends the password in clear: it needs KAFKA_TLS=true (or use SCRAM-SHA-512)',
      },
    ]);
    expect(
      loadConfig(serviceSpec, {
        ...validEnvironment,
        ...sasl,
        KAFKA_SASL_MECHANISM: 'plain',
        KAFKA_TLS: 'on',
      }).KAFKA_SASL_MECHANISM,
    ).toBe('plain');
  });

  it('hides the SASL password in the start-up summary', () => {
    const config = loadConfig(serviceSpec, {
      ...validEnvironment,
      KAFKA_SASL_MECHANISM: 'scram-sha-256',
      KAFKA_SASL_USERNAME: 'switchboard',
      KAFKA_SASL_PASSWORD: 'pa55-word',
    });

    const summary = summarizeConfig(serviceSpec, config);

    expect(summary).toMatchObject({ KAFKA_SASL_USERNAME: 'switchboard', KAFKA_SASL_PASSWORD: '[hidden]' });
    expect(JSON.stringify(summary)).not.toContain('pa55-word');
  });
});

describe('loadConfig: checks across variables', () => {
  const spec = defineConfig({
    CERT: { schema: env.string().optional(), description: 'certificate' },
    KEY: {
      schema: env.string().optional(),
      description: 'key',
      crossCheck: (config) =>
        config.CERT !== undefined && config.KEY === undefined ? 'needs CERT’s key' : undefined,
    },
    PORT: { schema: env.port(1), description: 'port' },
  });

  it('reports a cross-variable problem under the variable that declares it', () => {
    expect(problemsOf(() => loadConfig(spec, { CERT: 'c' }))).toEqual([
      { variable: 'KEY', problem: 'needs CERT’s key' },
    ]);
    expect(loadConfig(spec, { CERT: 'c', KEY: 'k' })).toMatchObject({ CERT: 'c', KEY: 'k' });
  });

  it('takes consumer timings within what Kafka allows, naming the variable of one outside', () => {
    const { KAFKA_FETCH_MAX_WAIT_MS, KAFKA_HEARTBEAT_INTERVAL_MS } = commonVariables;
    const timingSpec = defineConfig({ KAFKA_FETCH_MAX_WAIT_MS, KAFKA_HEARTBEAT_INTERVAL_MS });
    expect(loadConfig(timingSpec, {})).toEqual({
      KAFKA_FETCH_MAX_WAIT_MS: 3000,
      KAFKA_HEARTBEAT_INTERVAL_MS: 2000,
    });
    expect(
      problemsOf(() =>
        loadConfig(timingSpec, { KAFKA_FETCH_MAX_WAIT_MS: '0', KAFKA_HEARTBEAT_INTERVAL_MS: '3000' }),
      ),
    ).toEqual([
      { variable: 'KAFKA_FETCH_MAX_WAIT_MS', problem: expect.stringContaining('10') },
      { variable: 'KAFKA_HEARTBEAT_INTERVAL_MS', problem: expect.stringContaining('2000') },
    ]);
  });

  it('refuses a KAFKA_COMPRESSION that KAFKA_CODECS leaves out, and an unknown codec in KAFKA_CODECS', () => {
    const { KAFKA_COMPRESSION, KAFKA_CODECS } = commonVariables;
    const kafkaSpec = defineConfig({ KAFKA_COMPRESSION, KAFKA_CODECS });
    expect(
      problemsOf(() => loadConfig(kafkaSpec, { KAFKA_COMPRESSION: 'lz4', KAFKA_CODECS: 'gzip,zstd' })),
    ).toEqual([{ variable: 'KAFKA_COMPRESSION', problem: 'lz4 is not in KAFKA_CODECS' }]);
    expect(problemsOf(() => loadConfig(kafkaSpec, { KAFKA_CODECS: 'gzip,brotli' }))).toEqual([
      { variable: 'KAFKA_CODECS', problem: expect.stringContaining('gzip') },
    ]);
    expect(loadConfig(kafkaSpec, { KAFKA_COMPRESSION: 'zstd', KAFKA_CODECS: 'zstd' })).toMatchObject({
      KAFKA_CODECS: ['zstd'],
    });
    expect(loadConfig(kafkaSpec, {})).toMatchObject({ KAFKA_CODECS: ['gzip', 'snappy', 'lz4', 'zstd'] });
  });

  it('runs once every variable parsed, so it never judges a value that was refused', () => {
    expect(problemsOf(() => loadConfig(spec, { CERT: 'c', PORT: 'x' }))).toEqual([
      { variable: 'PORT', problem: 'must be a whole number' },
    ]);
  });
});

describe('describeConfig', () => {
  it('lists each variable with whether it is required and its default as written in the environment', () => {
    const descriptions = describeConfig(
      defineConfig({
        ...commonVariables,
        RETRY_AFTER: { schema: env.duration('30s'), description: 'Delay before a retry' },
        FEATURE_FLAGS: { schema: env.list(z.string()).optional(), description: 'Enabled features' },
      }),
    );

    expect(descriptions).toEqual([
      {
        name: 'KAFKA_BROKERS',
        description: 'Kafka bootstrap brokers, comma-separated host:port',
        sensitive: false,
        required: false,
        defaultValue: '127.0.0.1:9092',
        example: 'kafka-1:9092,kafka-2:9092',
      },
      {
        name: 'KAFKA_COMPRESSION',
        description:
          'Codec the service compresses what it produces with: none, gzip, snappy, lz4 or zstd (every codec of KAFKA_CODECS is read whatever this says)',
        sensitive: false,
        required: false,
        defaultValue: 'none',
      },
      expect.objectContaining({
        name: 'KAFKA_CODECS',
        required: false,
        defaultValue: 'gzip,snappy,lz4,zstd',
      }),
      expect.objectContaining({ name: 'KAFKA_FETCH_MAX_WAIT_MS', required: false, defaultValue: '3000' }),
      expect.objectContaining({ name: 'KAFKA_HEARTBEAT_INTERVAL_MS', required: false, defaultValue: '2000' }),
      expect.objectContaining({ name: 'KAFKA_TLS', required: false, defaultValue: 'false' }),
      expect.objectContaining({ name: 'KAFKA_TLS_CA_FILE', required: false, sensitive: false }),
      expect.objectContaining({ name: 'KAFKA_TLS_CERT_FILE', required: false }),
      expect.objectContaining({ name: 'KAFKA_TLS_KEY_FILE', required: false }),
      expect.objectContaining({ name: 'KAFKA_TLS_SERVER_NAME', required: false }),
      expect.objectContaining({ name: 'KAFKA_SASL_MECHANISM', required: false }),
      expect.objectContaining({ name: 'KAFKA_SASL_USERNAME', required: false }),
      {
        name: 'KAFKA_SASL_PASSWORD',
        description: 'SASL password (with KAFKA_SASL_MECHANISM)',
        sensitive: true,
        required: false,
      },
      {
        name: 'DATABASE_URL',
        description: 'PostgreSQL connection URL (may carry the password)',
        sensitive: true,
        required: true,
        example: 'postgres://switchboard:secret@127.0.0.1:5432/switchboard',
      },
      {
        name: 'LOG_LEVEL',
        description: 'Lowest level written to the log: debug, info, warn or error',
        sensitive: false,
        required: false,
        defaultValue: 'info',
      },
      expect.objectContaining({ name: 'OTEL_EXPORTER_OTLP_ENDPOINT', required: false }),
      expect.objectContaining({ name: 'PORT', required: false, defaultValue: '3000' }),
      {
        name: 'HOST',
        description: 'Interface the HTTP server listens on',
        sensitive: false,
        required: false,
        defaultValue: '127.0.0.1',
      },
      {
        name: 'RETRY_AFTER',
        description: 'Delay before a retry',
        sensitive: false,
        required: false,
        defaultValue: '30s',
      },
      { name: 'FEATURE_FLAGS', description: 'Enabled features', sensitive: false, required: false },
    ]);
  });

  it('hides the default of a sensitive variable', () => {
    const [description] = describeConfig({
      DEVELOPMENT_API_KEY: {
        schema: env.string({ default: 'sb_dev_key' }),
        description: 'Dev key',
        sensitive: true,
      },
    });

    expect(description).toMatchObject({ required: false, defaultValue: '[hidden]' });
  });
});

describe('summarizeConfig', () => {
  it('shows loaded values with sensitive ones hidden', () => {
    const config = loadConfig(serviceSpec, validEnvironment);

    const summary = summarizeConfig(serviceSpec, config);

    expect(summary).toMatchObject({ PORT: 3000, DATABASE_URL: '[hidden]', PROVIDER_API_KEY: '[hidden]' });
    expect(JSON.stringify(summary)).not.toContain('s3cret');
  });
});
