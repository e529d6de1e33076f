import { defineConfig } from './config-variable';
import { env } from './env';

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
/** Kafka's record batch codecs, as KAFKA_COMPRESSION names them. */
export const KAFKA_COMPRESSION_CODECS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;

/**
 * Variables every service reads; spread them into an app's spec. An app overrides one by
 * redefining it after the spread, e.g. `PORT: { ...commonVariables.PORT, schema: env.port(3001) }`.
 */
export const commonVariables = defineConfig({
  KAFKA_BROKERS: {
    schema: env.brokers('127.0.0.1:9092'),
    description: 'Kafka bootstrap brokers, comma-separated host:port',
    sensitive: false,
    example: 'kafka-1:9092,kafka-2:9092',
  },
  KAFKA_COMPRESSION: {
    schema: env.oneOf(KAFKA_COMPRESSION_CODECS, 'none'),
    description:
      'Codec the service compresses what it produces with: none, gzip, snappy, lz4 or zstd (every codec is read whatever this says)',
    sensitive: false,
  },
  DATABASE_URL: {
    schema: env.url({ protocols: ['postgres', 'postgresql'] }),
    description: 'PostgreSQL connection URL (may carry the password)',
    sensitive: true,
    example: 'postgres://switchboard:secret@127.0.0.1:5432/switchboard',
  },
  LOG_LEVEL: {
    schema: env.oneOf(LOG_LEVELS, 'info'),
    description: 'Lowest level written to the log: debug, info, warn or error',
    sensitive: false,
  },
  OTEL_EXPORTER_OTLP_ENDPOINT: {
    schema: env.url({ protocols: ['http', 'https'] }).optional(),
    description:
      'OpenTelemetry collector base URL (OTLP/HTTP); traces go to <endpoint>/v1/traces. Unset: traces are not exported',
    sensitive: false,
    example: 'http://127.0.0.1:4318',
  },
  PORT: {
    schema: env.port(3000),
    description: 'HTTP port for the API and the health endpoints (0 picks a free port)',
    sensitive: false,
  },
  HOST: {
    schema: env.string({ default: '127.0.0.1' }),
    description: 'Interface the HTTP server listens on',
    sensitive: false,
  },
});

/**
 * Variables only some services read; an app picks each one it needs rather than spreading them,
 * e.g. `DATABASE_POOL_SIZE: serviceVariables.DATABASE_POOL_SIZE`.
 */
export const serviceVariables = defineConfig({
  DATABASE_POOL_SIZE: {
    schema: env.int({ min: 1, max: 100, default: 10 }),
    description: 'Most PostgreSQL connections this service holds',
    sensitive: false,
  },
});
