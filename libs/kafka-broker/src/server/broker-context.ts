import type { GroupCoordinator } from '../groups/group-coordinator';
import type { LogStore } from '../storage/log-store';
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
  readonly logs: LogStore;
  readonly groups: GroupCoordinator;
  readonly fetchWaiters: FetchWaiters;
  readonly producerIds: ProducerIdAllocator;
  log(line: string): void;
}

const LEGAL_TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

/** Why a topic name is illegal (Kafka's own rules), or undefined. */
export function topicNameProblem(name: string): string | undefined {
  if (!LEGAL_TOPIC_NAME.test(name))
    return `topic name "${name}" must be 1-249 characters of a-z, A-Z, 0-9, '.', '_', '-'`;
  if (name === '.' || name === '..') return `topic name "${name}" is reserved`;
  return undefined;
}
