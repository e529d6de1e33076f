import type { GroupCoordinator } from '../groups/group-coordinator';
import type { ProduceLimits } from '../protocol/produce-validation';
import type { LogStore } from '../storage/log-store';
import type { TopicDescription } from '../storage/log-types';
import type { FetchWaiters } from './fetch-waiters';
import type { ProducerIdAllocator } from './producer-ids';

/** What the API handlers share: the broker's identity, settings and state. */
export interface BrokerContext {
  readonly nodeId: number;
  readonly clusterId: string;
  /** Host and port clients are told to connect to. */
  readonly advertisedHost: string;
  readonly advertisedPort: number;
  readonly autoCreateTopics: boolean;
  readonly defaultPartitions: number;
  /** The broker's message.max.bytes and message.timestamp limits; a topic's configs override them. */
  readonly produceLimits: ProduceLimits;
  readonly logs: LogStore;
  readonly groups: GroupCoordinator;
  readonly fetchWaiters: FetchWaiters;
  readonly producerIds: ProducerIdAllocator;
  log(line: string): void;
}

/** Kafka's topic configs that override the broker's produce limits, by the limit they set. */
export const PRODUCE_LIMIT_TOPIC_CONFIGS: Record<keyof ProduceLimits, string> = {
  maxMessageBytes: 'max.message.bytes',
  timestampBeforeMaxMs: 'message.timestamp.before.max.ms',
  timestampAfterMaxMs: 'message.timestamp.after.max.ms',
};

/** The limits a topic's produced batches are held to: its own configs, else the broker's. */
export function produceLimitsFor(broker: BrokerContext, topic: TopicDescription): ProduceLimits {
  const limit = (key: keyof ProduceLimits) => {
    const configured = topic.configs[PRODUCE_LIMIT_TOPIC_CONFIGS[key]];
    return configured === undefined ? broker.produceLimits[key] : Number(configured);
  };
  return {
    maxMessageBytes: limit('maxMessageBytes'),
    timestampBeforeMaxMs: limit('timestampBeforeMaxMs'),
    timestampAfterMaxMs: limit('timestampAfterMaxMs'),
  };
}

const LEGAL_TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

/** Why a topic name is illegal (Kafka's own rules), or undefined. */
export function topicNameProblem(name: string): string | undefined {
  if (!LEGAL_TOPIC_NAME.test(name))
    return `topic name "${name}" must be 1-249 characters of a-z, A-Z, 0-9, '.', '_', '-'`;
  if (name === '.' || name === '..') return `topic name "${name}" is reserved`;
  return undefined;
}
