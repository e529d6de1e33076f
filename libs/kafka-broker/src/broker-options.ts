import type { FsyncPolicy } from './storage/log-types';

export interface BrokerOptions {
  /** Directory for segments, committed offsets and broker identity. */
  dataDir: string;
  /** Interface to listen on. Default 127.0.0.1. */
  host?: string;
  /** 0 picks a free port (tests). Default 9092. */
  port?: number;
  /** Host clients are told to connect to. Default: host. */
  advertisedHost?: string;
  /** Port clients are told to connect to, e.g. a port forwarded to this one. Default: the port it listens on. */
  advertisedPort?: number;
  /**
   * Listeners beside host:port, as Apache Kafka's named listeners: each tells the clients that
   * connect to it its own advertised address, so that a proxy in front of one carries every
   * connection of the clients that came through it while other clients keep going direct.
   */
  listeners?: BrokerListenerOptions[];
  nodeId?: number;
  fsync?: FsyncPolicy;
  fsyncIntervalMs?: number;
  segmentBytes?: number;
  /** -1 keeps forever. Default 7 days, as Apache Kafka. */
  retentionMs?: number;
  /** Per partition; -1 is unlimited (default). */
  retentionBytes?: number;
  autoCreateTopics?: boolean;
  /** Partitions of auto-created topics and of CreateTopics asking for -1. */
  defaultPartitions?: number;
  /** Kafka's message.max.bytes: a larger produced batch is refused MESSAGE_TOO_LARGE. Default 1048588, as Kafka. */
  messageMaxBytes?: number;
  /** Kafka's log.message.timestamp.before.max.ms. Default 2^63-1: no limit, as Kafka. */
  messageTimestampBeforeMaxMs?: number;
  /** Kafka's log.message.timestamp.after.max.ms. Default one hour, as Kafka 4. */
  messageTimestampAfterMaxMs?: number;
  /** A request frame larger than this closes its connection. Default 100 MiB, as Apache Kafka. */
  maxRequestBytes?: number;
  maxConnections?: number;
  idleTimeoutMs?: number;
  /** Wait this long for more members before the first rebalance of an empty group. */
  initialRebalanceDelayMs?: number;
  /** Receives one line per notable event (connections refused, topics created, bad requests). */
  log?: (line: string) => void;
}

export interface BrokerListenerOptions {
  /** Names the listener in `RunningBroker.listeners` and in log lines. */
  name: string;
  /** Default: the broker's host. */
  host?: string;
  /** Default 0: a free port. */
  port?: number;
  /** Default: this listener's host. */
  advertisedHost?: string;
  /** Default: the port this listener listens on. */
  advertisedPort?: number;
}

export interface ResolvedListener {
  name: string;
  host: string;
  port: number;
  advertisedHost: string;
  /** Undefined: the port it listens on, known once it listens. */
  advertisedPort: number | undefined;
}

export type ResolvedBrokerOptions = Required<Omit<BrokerOptions, 'advertisedPort' | 'listeners'>> & {
  advertisedPort: number | undefined;
  listeners: ResolvedListener[];
};

export class BrokerConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid broker configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** Kafka's Long.MAX_VALUE, its "no limit" for the timestamp checks. */
export const NO_TIMESTAMP_LIMIT = 2 ** 63 - 1;

export function resolveBrokerOptions(options: BrokerOptions): ResolvedBrokerOptions {
  const resolved: ResolvedBrokerOptions = {
    host: '127.0.0.1',
    port: 9092,
    advertisedHost: options.advertisedHost ?? options.host ?? '127.0.0.1',
    nodeId: 1,
    fsync: 'interval',
    fsyncIntervalMs: 1000,
    segmentBytes: 128 * 1024 * 1024,
    retentionMs: 7 * DAY_MS,
    retentionBytes: -1,
    autoCreateTopics: true,
    defaultPartitions: 1,
    maxRequestBytes: 100 * 1024 * 1024,
    // The defaults of Apache Kafka 4 (ServerLogConfigs): 1 MiB + the 12-byte log overhead; no limit
    // on past timestamps; at most an hour ahead (KIP-1030; Kafka 3.6-3.9 set no limit there either).
    messageMaxBytes: 1024 * 1024 + 12,
    messageTimestampBeforeMaxMs: NO_TIMESTAMP_LIMIT,
    messageTimestampAfterMaxMs: 60 * 60 * 1000,
    maxConnections: 1000,
    idleTimeoutMs: 10 * 60 * 1000,
    initialRebalanceDelayMs: 0,
    log: (line) => console.log(`${new Date().toISOString()} [kafka-broker] ${line}`),
    ...withoutUndefined(options),
    advertisedPort: options.advertisedPort,
    listeners: [],
    dataDir: options.dataDir,
  };
  const listeners = options.listeners ?? [];
  const problems: string[] = [];
  const integer = (name: keyof BrokerOptions, min: number, max = Number.MAX_SAFE_INTEGER) => {
    const value = resolved[name];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      problems.push(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
    }
  };
  if (typeof resolved.dataDir !== 'string' || resolved.dataDir.length === 0)
    problems.push('dataDir must be a non-empty path');
  if (typeof resolved.host !== 'string' || resolved.host.length === 0)
    problems.push('host must be a non-empty string');
  if (typeof resolved.advertisedHost !== 'string' || resolved.advertisedHost.length === 0) {
    problems.push('advertisedHost must be a non-empty string');
  }
  integer('port', 0, 65535);
  if (resolved.advertisedPort !== undefined) integer('advertisedPort', 1, 65535);
  if (!Array.isArray(listeners)) problems.push('listeners must be a list');
  else resolved.listeners = resolveListeners(listeners, resolved, problems);
  integer('nodeId', 0, 2 ** 31 - 1);
  if (!['always', 'interval', 'never'].includes(resolved.fsync)) {
    problems.push(`fsync must be one of always, interval, never, got ${JSON.stringify(resolved.fsync)}`);
  }
  integer('fsyncIntervalMs', 1);
  integer('segmentBytes', 1024);
  integer('retentionMs', -1);
  integer('retentionBytes', -1);
  integer('defaultPartitions', 1, 10_000);
  integer('maxRequestBytes', 1024, 2 ** 31 - 1);
  integer('messageMaxBytes', 0, 2 ** 31 - 1);
  integer('messageTimestampBeforeMaxMs', 0, NO_TIMESTAMP_LIMIT);
  integer('messageTimestampAfterMaxMs', 0, NO_TIMESTAMP_LIMIT);
  integer('maxConnections', 1);
  integer('idleTimeoutMs', 1);
  integer('initialRebalanceDelayMs', 0);
  if (typeof resolved.autoCreateTopics !== 'boolean') problems.push('autoCreateTopics must be true or false');
  if (problems.length > 0) throw new BrokerConfigError(problems);
  return resolved;
}

function resolveListeners(
  listeners: BrokerListenerOptions[],
  broker: ResolvedBrokerOptions,
  problems: string[],
): ResolvedListener[] {
  const names = new Set<string>();
  return listeners.map((listener, index) => {
    const where = `listeners[${index}]`;
    if (typeof listener.name !== 'string' || listener.name.length === 0) {
      problems.push(`${where}.name must be a non-empty string`);
    } else if (names.has(listener.name)) {
      problems.push(`${where}.name "${listener.name}" is used by another listener`);
    }
    names.add(listener.name);
    const host = listener.host ?? broker.host;
    const resolved: ResolvedListener = {
      name: listener.name,
      host,
      port: listener.port ?? 0,
      advertisedHost: listener.advertisedHost ?? host,
      advertisedPort: listener.advertisedPort,
    };
    if (typeof resolved.host !== 'string' || resolved.host.length === 0)
      problems.push(`${where}.host must be a non-empty string`);
    if (typeof resolved.advertisedHost !== 'string' || resolved.advertisedHost.length === 0)
      problems.push(`${where}.advertisedHost must be a non-empty string`);
    if (!isIntegerIn(resolved.port, 0, 65535))
      problems.push(`${where}.port must be an integer from 0 to 65535, got ${JSON.stringify(resolved.port)}`);
    if (resolved.advertisedPort !== undefined && !isIntegerIn(resolved.advertisedPort, 1, 65535)) {
      problems.push(
        `${where}.advertisedPort must be an integer from 1 to 65535, got ${JSON.stringify(resolved.advertisedPort)}`,
      );
    }
    return resolved;
  });
}

function isIntegerIn(value: unknown, min: number, max: number): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}
