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
  /** A request frame larger than this closes its connection. Default 100 MiB, as Apache Kafka. */
  maxRequestBytes?: number;
  maxConnections?: number;
  idleTimeoutMs?: number;
  /** Wait this long for more members before the first rebalance of an empty group. */
  initialRebalanceDelayMs?: number;
  /** Receives one line per notable event (connections refused, topics created, bad requests). */
  log?: (line: string) => void;
}

export type ResolvedBrokerOptions = Required<BrokerOptions>;

export class BrokerConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid broker configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

const DAY_MS = 24 * 60 * 60 * 1000;

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
    maxConnections: 1000,
    idleTimeoutMs: 10 * 60 * 1000,
    initialRebalanceDelayMs: 0,
    log: (line) => console.log(`${new Date().toISOString()} [kafka-broker] ${line}`),
    ...withoutUndefined(options),
    dataDir: options.dataDir,
  };
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
  integer('maxConnections', 1);
  integer('idleTimeoutMs', 1);
  integer('initialRebalanceDelayMs', 0);
  if (typeof resolved.autoCreateTopics !== 'boolean') problems.push('autoCreateTopics must be true or false');
  if (problems.length > 0) throw new BrokerConfigError(problems);
  return resolved;
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}
