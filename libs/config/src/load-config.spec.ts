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
          'Codec the service compresses what it produces with: none, gzip, snappy, lz4 or zstd (every codec is read whatever this says)',
        sensitive: false,
        required: false,
        defaultValue: 'none',
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
