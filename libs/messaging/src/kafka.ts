import type { CodecName } from '@switchboard/kafka-codecs';
import { Kafka, logLevel as KafkaLogLevel, type LogEntry, type logCreator, type RetryOptions } from 'kafkajs';
import { installKafkaCodecs } from './kafkajs-codecs';
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
  /** The codec EventPublisher compresses with (KAFKA_COMPRESSION); every codec is read whatever this says. Default none. */
  compression?: CodecName;
}

const KAFKA_LOG_LEVELS: Record<MessagingLogLevel, KafkaLogLevel> = {
  debug: KafkaLogLevel.DEBUG,
  info: KafkaLogLevel.INFO,
  warn: KafkaLogLevel.WARN,
  error: KafkaLogLevel.ERROR,
};

// kafkajs adds these to every entry; they are noise in our log lines.
const DROPPED_ENTRY_FIELDS = new Set(['message', 'timestamp', 'logger', 'stack']);

/** A kafkajs client whose own log lines go to `log` (by default a Nest logger named "Kafka"). */
export function createKafka(settings: KafkaSettings, log: MessagingLog = nestMessagingLog('Kafka')): Kafka {
  if (settings.brokers.length === 0) {
    throw new MessagingError('INVALID_OPTION', 'kafka.brokers must name at least one broker');
  }
  installKafkaCodecs();
  return new Kafka({
    clientId: settings.clientId,
    brokers: settings.brokers,
    logLevel: KAFKA_LOG_LEVELS[settings.logLevel ?? 'warn'],
    logCreator: routeKafkaLogs(log),
    retry: settings.retry,
  });
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
