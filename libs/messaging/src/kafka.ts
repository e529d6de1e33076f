import { readFileSync } from 'node:fs';
import type { CodecName, CompressingCodecName } from '@switchboard/kafka-codecs';
import {
  Kafka,
  logLevel as KafkaLogLevel,
  type KafkaConfig,
  type LogEntry,
  type logCreator,
  type RetryOptions,
  type SASLOptions,
} from 'kafkajs';
import { installKafkaCodecs } from './kafkajs-codecs';
import { installRequestQueueTimers } from './kafkajs-request-queue';
import { MessagingError } from './messaging-error';
import {
  nestMessagingLog,
  type MessagingLog,
  type MessagingLogFields,
  type MessagingLogLevel,
} from './messaging-log';

export interface KafkaSettings {
  brokers: string[];
  clientId: string;
  /** kafkajs is chatty below warn; default 'warn'. */
  logLevel?: MessagingLogLevel;
  /** How kafkajs retries connecting and requests; its defaults (5 retries, up to 30 s) otherwise. */
  retry?: RetryOptions;
  /** The codec EventPublisher compresses with (KAFKA_COMPRESSION); every codec of `codecs` is read whatever this says. Default none. */
  compression?: CodecName;
  /**
   * The codecs this process reads and writes (KAFKA_CODECS); default all. A batch in one left out
   * is parked as undecodable, as by a Kafka client built without it. kafkajs holds codecs per
   * process: the last client created decides.
   */
  codecs?: readonly CompressingCodecName[];
  /** Connect over TLS (an SSL or SASL_SSL listener); unset: plaintext, as the embedded broker speaks. */
  tls?: KafkaTlsSettings;
  /** Authenticate with SASL; unset: none. */
  sasl?: KafkaSaslSettings;
  /** The defaults of every ConsumerRunner on this client; each runner may still set its own. */
  consumerTimings?: ConsumerTimings;
}

/** KAFKA_FETCH_MAX_WAIT_MS and KAFKA_HEARTBEAT_INTERVAL_MS. */
export interface ConsumerTimings {
  maxWaitTimeMs?: number;
  heartbeatIntervalMs?: number;
}

export interface KafkaTlsSettings {
  /** PEM of the authorities that sign the brokers' certificates; unset: Node's trusted authorities. */
  ca?: string;
  /** PEM certificate this client presents (mutual TLS), with `key`. */
  cert?: string;
  /** PEM private key of `cert`. */
  key?: string;
  /** Name every broker's certificate must carry, instead of the host each is reached at. */
  serverName?: string;
}

export const KAFKA_SASL_MECHANISM_NAMES = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;
export type KafkaSaslMechanism = (typeof KAFKA_SASL_MECHANISM_NAMES)[number];

export interface KafkaSaslSettings {
  mechanism: KafkaSaslMechanism;
  username: string;
  password: string;
}

/** The common Kafka variables of @switchboard/config, as an app's loaded config holds them. */
export interface KafkaConnectionConfig {
  KAFKA_BROKERS: string[];
  KAFKA_COMPRESSION: CodecName;
  KAFKA_CODECS?: readonly CompressingCodecName[];
  KAFKA_TLS: boolean;
  KAFKA_TLS_CA_FILE?: string;
  KAFKA_TLS_CERT_FILE?: string;
  KAFKA_TLS_KEY_FILE?: string;
  KAFKA_TLS_SERVER_NAME?: string;
  KAFKA_SASL_MECHANISM?: KafkaSaslMechanism;
  KAFKA_SASL_USERNAME?: string;
  KAFKA_SASL_PASSWORD?: string;
  KAFKA_FETCH_MAX_WAIT_MS?: number;
  KAFKA_HEARTBEAT_INTERVAL_MS?: number;
}

const KAFKA_LOG_LEVELS: Record<MessagingLogLevel, KafkaLogLevel> = {
  debug: KafkaLogLevel.DEBUG,
  info: KafkaLogLevel.INFO,
  warn: KafkaLogLevel.WARN,
  error: KafkaLogLevel.ERROR,
};

// kafkajs adds these to every entry; they are noise in our log lines.
const DROPPED_ENTRY_FIELDS = new Set(['message', 'timestamp', 'logger', 'stack']);

// The consumer timings a client was created with, for the ConsumerRunners built on it.
const consumerTimingsByClient = new WeakMap<Kafka, ConsumerTimings>();

/** The consumer timings `kafka` was created with; none for a client createKafka did not make. */
export function consumerTimingsOf(kafka: Kafka): ConsumerTimings {
  return consumerTimingsByClient.get(kafka) ?? {};
}

/** A kafkajs client whose own log lines go to `log` (by default a Nest logger named "Kafka"). */
export function createKafka(settings: KafkaSettings, log: MessagingLog = nestMessagingLog('Kafka')): Kafka {
  if (settings.brokers.length === 0) {
    throw new MessagingError('INVALID_OPTION', 'kafka.brokers must name at least one broker');
  }
  const security = kafkaSecurityOptions(settings);
  installKafkaCodecs(settings.codecs);
  installRequestQueueTimers();
  const kafka = new Kafka({
    clientId: settings.clientId,
    brokers: settings.brokers,
    logLevel: KAFKA_LOG_LEVELS[settings.logLevel ?? 'warn'],
    logCreator: routeKafkaLogs(log),
    retry: settings.retry,
    ...security,
  });
  if (settings.consumerTimings) consumerTimingsByClient.set(kafka, settings.consumerTimings);
  return kafka;
}

/**
 * A service's Kafka settings from its loaded config: the TLS files are read here, so a file that
 * went away since the config was checked still fails the start, naming its variable.
 */
export function kafkaSettingsFromConfig(config: KafkaConnectionConfig, clientId: string): KafkaSettings {
  const settings: KafkaSettings = {
    brokers: config.KAFKA_BROKERS,
    clientId,
    compression: config.KAFKA_COMPRESSION,
    codecs: config.KAFKA_CODECS,
  };
  const consumerTimings = withoutUnset({
    maxWaitTimeMs: config.KAFKA_FETCH_MAX_WAIT_MS,
    heartbeatIntervalMs: config.KAFKA_HEARTBEAT_INTERVAL_MS,
  });
  if (Object.keys(consumerTimings).length > 0) settings.consumerTimings = consumerTimings;
  if (config.KAFKA_TLS) {
    settings.tls = withoutUnset({
      ca: readPem('KAFKA_TLS_CA_FILE', config.KAFKA_TLS_CA_FILE),
      cert: readPem('KAFKA_TLS_CERT_FILE', config.KAFKA_TLS_CERT_FILE),
      key: readPem('KAFKA_TLS_KEY_FILE', config.KAFKA_TLS_KEY_FILE),
      serverName: config.KAFKA_TLS_SERVER_NAME,
    });
  }
  if (config.KAFKA_SASL_MECHANISM !== undefined) {
    settings.sasl = {
      mechanism: config.KAFKA_SASL_MECHANISM,
      username: config.KAFKA_SASL_USERNAME ?? '',
      password: config.KAFKA_SASL_PASSWORD ?? '',
    };
  }
  return settings;
}

/**
 * kafkajs's `ssl` and `sasl` options for `settings`, refusing a half-given setting rather than
 * connecting with less protection than was asked for. Errors name the setting, never its value.
 */
export function kafkaSecurityOptions(
  settings: Pick<KafkaSettings, 'tls' | 'sasl'>,
): Pick<KafkaConfig, 'ssl' | 'sasl'> {
  const options: Pick<KafkaConfig, 'ssl' | 'sasl'> = {};
  const { tls, sasl } = settings;
  if (tls) {
    if ((tls.cert === undefined) !== (tls.key === undefined)) {
      throw new MessagingError(
        'INVALID_OPTION',
        'kafka.tls.cert and kafka.tls.key go together: give both or neither',
      );
    }
    // Verifying the brokers' certificates is never turned off: a CA file is how a private CA is trusted.
    options.ssl = {
      rejectUnauthorized: true,
      ...withoutUnset({ ca: tls.ca, cert: tls.cert, key: tls.key, servername: tls.serverName }),
    };
  }
  if (sasl) {
    if (!(KAFKA_SASL_MECHANISM_NAMES as readonly string[]).includes(sasl.mechanism)) {
      throw new MessagingError(
        'INVALID_OPTION',
        `kafka.sasl.mechanism must be one of ${KAFKA_SASL_MECHANISM_NAMES.join(', ')}`,
      );
    }
    if (!sasl.username)
      throw new MessagingError('INVALID_OPTION', `kafka.sasl.username is required with ${sasl.mechanism}`);
    if (!sasl.password)
      throw new MessagingError('INVALID_OPTION', `kafka.sasl.password is required with ${sasl.mechanism}`);
    if (sasl.mechanism === 'plain' && !tls) {
      throw new MessagingError(
        'INVALID_OPTION',
        'kafka.sasl plain sends the password in clear: it needs kafka.tls',
      );
    }
    options.sasl = {
      mechanism: sasl.mechanism,
      username: sasl.username,
      password: sasl.password,
    } as SASLOptions;
  }
  return options;
}

// What a refused path means, in words; the code is kept for the cases not listed.
const FILE_ERRORS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EISDIR: 'it is a directory',
};

function readPem(variable: string, path: string | undefined): string | undefined {
  if (path === undefined) return undefined;
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new MessagingError(
      'INVALID_OPTION',
      `${variable}: cannot read ${path}: ${FILE_ERRORS[code] ?? code}`,
    );
  }
}

function withoutUnset<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as T;
}

// While a broker is unreachable kafkajs logs the same failure for every connection and every try:
// each distinct line is written once per window, with how many like it were left out since.
const REPEAT_WINDOW_MS = 30_000;

export function routeKafkaLogs(log: MessagingLog, now: () => number = Date.now): logCreator {
  const repeats = new Map<string, { since: number; suppressed: number }>();
  return () => (entry: LogEntry) => {
    const key = `${entry.level} ${entry.namespace} ${String(entry.log.message).replace(/\d+/g, '#')}`;
    const seen = repeats.get(key);
    const at = now();
    if (seen && at - seen.since < REPEAT_WINDOW_MS) {
      seen.suppressed += 1;
      return;
    }
    if (repeats.size > 1000) repeats.clear();
    repeats.set(key, { since: at, suppressed: 0 });
    const fields: MessagingLogFields = { namespace: entry.namespace };
    if (seen && seen.suppressed > 0) fields.similarLinesLeftOut = seen.suppressed;
    for (const [name, value] of Object.entries(entry.log)) {
      if (DROPPED_ENTRY_FIELDS.has(name) || value === undefined) continue;
      fields[name] = typeof value === 'object' && value !== null ? describeValue(value) : value;
    }
    log(messagingLevel(entry.level), entry.log.message, fields);
  };
}

function messagingLevel(level: KafkaLogLevel): MessagingLogLevel {
  if (level <= KafkaLogLevel.ERROR) return 'error';
  if (level === KafkaLogLevel.WARN) return 'warn';
  if (level === KafkaLogLevel.INFO) return 'info';
  return 'debug';
}

function describeValue(value: object): string {
  if (value instanceof Error) return value.message;
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
