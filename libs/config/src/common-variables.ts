import { z } from 'zod';
import { defineConfig } from './config-variable';
import { env } from './env';

// As @switchboard/security requires of the secrets it signs service credentials with.
const MINIMUM_SERVICE_TOKEN_SECRET_BYTES = 32;

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
/** Kafka's record batch codecs, as KAFKA_COMPRESSION names them. */
export const KAFKA_COMPRESSION_CODECS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
/** The codecs that compress, as KAFKA_CODECS lists them. */
export const KAFKA_CODECS = ['gzip', 'snappy', 'lz4', 'zstd'] as const;
/** SASL mechanisms, as kafkajs names them; KAFKA_SASL_MECHANISM takes them in any case (PLAIN, SCRAM-SHA-256). */
export const KAFKA_SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;

const saslMechanism = z
  .string()
  .transform((text) => text.toLowerCase())
  .pipe(
    z.enum(KAFKA_SASL_MECHANISMS, {
      error: `must be one of ${KAFKA_SASL_MECHANISMS.map((name) => name.toUpperCase()).join(', ')}`,
    }),
  );

const isSet = (value: unknown) => value !== undefined;

// A TLS setting with TLS off would be silently ignored: refused instead, so that a forgotten
// KAFKA_TLS=true never means a plaintext connection the operator believes is encrypted.
function needsTls(value: unknown, config: Readonly<Record<string, unknown>>): string | undefined {
  return isSet(value) && !config.KAFKA_TLS ? 'needs KAFKA_TLS=true' : undefined;
}

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
      'Codec the service compresses what it produces with: none, gzip, snappy, lz4 or zstd (every codec of KAFKA_CODECS is read whatever this says)',
    sensitive: false,
    crossCheck: (config) => {
      const codec = config.KAFKA_COMPRESSION as string;
      const codecs = config.KAFKA_CODECS as readonly string[] | undefined;
      return codec === 'none' || !codecs || codecs.includes(codec)
        ? undefined
        : `${codec} is not in KAFKA_CODECS`;
    },
  },
  KAFKA_CODECS: {
    schema: env.list(z.enum(KAFKA_CODECS), KAFKA_CODECS.join(',')),
    description:
      "Codecs the service reads and writes, comma-separated: gzip, snappy, lz4, zstd (default all). A record batch in a codec left out is parked as undecodable, as by a Kafka client built without it: for a platform where a codec's native part does not load",
    sensitive: false,
  },
  KAFKA_FETCH_MAX_WAIT_MS: {
    schema: env.int({ min: 10, max: 5000, default: 3000 }),
    description:
      "Longest a consumer's fetch waits for new records (Kafka's fetch.max.wait.ms). It sets what an idle service costs (a fetch and a heartbeat per wait per consumer group) and how long a consumer takes to stop, or to fetch a topic resumed after a pause; a record arriving ends the wait at once whatever it is",
    sensitive: false,
  },
  KAFKA_HEARTBEAT_INTERVAL_MS: {
    schema: env.int({ min: 100, max: 2000, default: 2000 }),
    description:
      "How often a consumer tells its group it is alive while it works (Kafka's heartbeat.interval.ms), at most a third of the 6 s session timeout; lower, a rebalance (a service started or stopped beside others) settles sooner",
    sensitive: false,
  },
  KAFKA_TLS: {
    schema: env.boolean(false),
    description:
      'Connect to the brokers over TLS (a listener whose protocol is SSL or SASL_SSL); the embedded broker is plaintext on loopback and needs none',
    sensitive: false,
  },
  KAFKA_TLS_CA_FILE: {
    schema: env.file({ pem: true }).optional(),
    description:
      "PEM file of the certificate authorities that sign the brokers' certificates; unset: the system's trusted authorities",
    sensitive: false,
    example: '/etc/switchboard/kafka-ca.pem',
    crossCheck: (config) => needsTls(config.KAFKA_TLS_CA_FILE, config),
  },
  KAFKA_TLS_CERT_FILE: {
    schema: env.file({ pem: true }).optional(),
    description:
      'PEM certificate this service presents to the brokers (mutual TLS), with KAFKA_TLS_KEY_FILE; unset: none',
    sensitive: false,
    example: '/etc/switchboard/kafka-client.pem',
    crossCheck: (config) => {
      if (!isSet(config.KAFKA_TLS_CERT_FILE)) return undefined;
      return (
        needsTls(config.KAFKA_TLS_CERT_FILE, config) ??
        (isSet(config.KAFKA_TLS_KEY_FILE) ? undefined : 'needs KAFKA_TLS_KEY_FILE, its private key')
      );
    },
  },
  KAFKA_TLS_KEY_FILE: {
    schema: env.file({ pem: true }).optional(),
    description: 'PEM private key of KAFKA_TLS_CERT_FILE (read at start-up, never logged)',
    sensitive: false,
    example: '/etc/switchboard/kafka-client-key.pem',
    crossCheck: (config) =>
      !isSet(config.KAFKA_TLS_KEY_FILE) || isSet(config.KAFKA_TLS_CERT_FILE)
        ? undefined
        : 'needs KAFKA_TLS_CERT_FILE, the certificate it belongs to',
  },
  KAFKA_TLS_SERVER_NAME: {
    schema: env.string().optional(),
    description:
      "Name every broker's certificate must carry, instead of the host each broker is reached at (brokers reached by IP address behind one certificate)",
    sensitive: false,
    example: 'kafka.internal.example.com',
    crossCheck: (config) => needsTls(config.KAFKA_TLS_SERVER_NAME, config),
  },
  KAFKA_SASL_MECHANISM: {
    schema: saslMechanism.optional(),
    description:
      'How the service authenticates to the brokers: PLAIN (only over TLS), SCRAM-SHA-256 or SCRAM-SHA-512, with KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD; unset: no SASL',
    sensitive: false,
    crossCheck: (config) => {
      if (config.KAFKA_SASL_MECHANISM === undefined) {
        return isSet(config.KAFKA_SASL_USERNAME) || isSet(config.KAFKA_SASL_PASSWORD)
          ? 'is required when KAFKA_SASL_USERNAME or KAFKA_SASL_PASSWORD is set'
          : undefined;
      }
      // PLAIN sends the password as it is: without TLS anyone on the path reads it.
      if (config.KAFKA_SASL_MECHANISM === 'plain' && !config.KAFKA_TLS) {
        return 'PLAIN sends the password in clear: it needs KAFKA_TLS=true (or use SCRAM-SHA-512)';
      }
      return undefined;
    },
  },
  KAFKA_SASL_USERNAME: {
    schema: env.string().optional(),
    description: 'SASL user name (with KAFKA_SASL_MECHANISM)',
    sensitive: false,
    crossCheck: (config) =>
      isSet(config.KAFKA_SASL_MECHANISM) && !isSet(config.KAFKA_SASL_USERNAME)
        ? 'is required when KAFKA_SASL_MECHANISM is set'
        : undefined,
  },
  KAFKA_SASL_PASSWORD: {
    schema: env.string().optional(),
    description: 'SASL password (with KAFKA_SASL_MECHANISM)',
    sensitive: true,
    crossCheck: (config) =>
      isSet(config.KAFKA_SASL_MECHANISM) && !isSet(config.KAFKA_SASL_PASSWORD)
        ? 'is required when KAFKA_SASL_MECHANISM is set'
        : undefined,
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
  SERVICE_TOKEN_SECRETS: {
    schema: env.list(
      z
        .string()
        .refine(
          (secret) => Buffer.byteLength(secret, 'utf8') >= MINIMUM_SERVICE_TOKEN_SECRET_BYTES,
          `each secret must be at least ${MINIMUM_SERVICE_TOKEN_SECRET_BYTES} bytes long`,
        ),
    ),
    description:
      'Secrets of the service credentials the gateway sends to the internal APIs, comma-separated, each at least 32 bytes, the same list on every service: the first signs, every one verifies (rotate by adding the new one second, then moving it first, then dropping the old one)',
    sensitive: true,
    example: '<32 random bytes, e.g. openssl rand -base64 32>',
  },
});
