import type { ConsumerTimings } from '../kafka';
import { MessagingError } from '../messaging-error';
import { nestMessagingLog, type MessagingLog } from '../messaging-log';

export interface ConsumerRunnerOptions {
  groupId: string;
  /** Events of one batch handled at once; events with the same key stay in order. Default 10. */
  concurrency?: number;
  /** Handler tries before an event is dead-lettered. Default 5. */
  maxAttempts?: number;
  /** Wait after the first failed try, doubling after each further one. Default 200 ms. */
  retryBackoffMs?: number;
  log?: MessagingLog;
  /** Where a group with no committed offset starts. Default true: nothing published before it is missed. */
  fromBeginning?: boolean;
  /** Partitions whose batches are worked on at the same time. Default 1. */
  partitionsConsumedConcurrently?: number;
  /**
   * How long the group waits for a silent member before giving its partitions to another (or to
   * the same service restarted). Default 6000 ms, the lowest Apache Kafka accepts by default
   * (group.min.session.timeout.ms): a killed consumer is replaced within about seven seconds.
   */
  sessionTimeoutMs?: number;
  /**
   * Default the client's KAFKA_HEARTBEAT_INTERVAL_MS, else 2000 ms (Kafka wants at most a third of
   * the session timeout); a long batch heartbeats at this pace too. An idle consumer heartbeats
   * only between fetches, so once per maxWaitTimeMs.
   */
  heartbeatIntervalMs?: number;
  /**
   * Longest a fetch waits for new records, which also bounds how long stop() waits. Default the
   * client's KAFKA_FETCH_MAX_WAIT_MS, else 3000 ms.
   * It sets the idle cost: each consumer sends a fetch and a heartbeat per wait while nothing
   * happens. A record arriving wakes the fetch at once, but a topic resumed after a pause is only
   * fetched once the fetch under way returns, up to this long later. It must stay well under the
   * session timeout, since an idle consumer heartbeats only when its fetch returns.
   */
  maxWaitTimeMs?: number;
  /**
   * Bytes a fetch waits for (up to maxWaitTimeMs) before it answers. Default 1: each record as soon
   * as it arrives; more makes bigger batches for a bulk writer at the cost of that wait.
   */
  minBytes?: number;
  /**
   * Most bytes a fetch takes from one partition, and so the size of a batch. Default 1 MiB (the
   * client's); less keeps each batch short, e.g. so a lower lane never holds a service long.
   */
  maxBytesPerPartition?: number;
  /**
   * A record whose not-before time is this close when it is fetched is waited for in place (its
   * batch, and so the group's next fetch, lasts up to that much longer); one due later pauses its
   * partition until this long before its time, when it is fetched again. The lead makes up for the
   * fetch under way then, which ends within maxWaitTimeMs. Default maxWaitTimeMs.
   */
  holdDueWithinMs?: number;
  /** How often a long batch commits what it has finished so far. Default 5000 ms. */
  commitIntervalMs?: number;
  /** Longest wait between tries while PostgreSQL or the broker is unavailable. Default 2000 ms. */
  outageBackoffMaxMs?: number;
  /** A record whose handling lost the group membership this many times is parked as poison. Default 2. */
  poisonAfterLostDeliveries?: number;
  /** Longest wait before restarting a consumer that crashed. Default 30 000 ms. */
  restartBackoffMaxMs?: number;
  /** How long stop() waits for in-flight handlers before leaving their records uncommitted. Default 10 000 ms. */
  stopTimeoutMs?: number;
}

/**
 * Fetch settings for a consumer off a message's way to its provider (timelines, feedback): a fetch
 * waits for 64 KiB (about 150 delivery events) or one second. At a trickle of traffic each event
 * would otherwise cost a fetch, a handler run and an offset commit of its own in every such group.
 * The wait is what such a group costs at rest (a fetch and a heartbeat each time it ends empty),
 * and how far behind it runs at a trickle.
 */
export const COLLECTING_FETCH = { minBytes: 64 * 1024, maxWaitTimeMs: 1000 } as const;

export type ResolvedConsumerOptions = Required<ConsumerRunnerOptions>;

/**
 * `options` with every default filled in; `clientTimings` (the client's KAFKA_FETCH_MAX_WAIT_MS and
 * KAFKA_HEARTBEAT_INTERVAL_MS) replace the built-in defaults of the two timings `options` leaves unset.
 */
export function resolveConsumerOptions(
  options: ConsumerRunnerOptions,
  clientTimings: ConsumerTimings = {},
): ResolvedConsumerOptions {
  if (options.groupId.trim() === '') throw new MessagingError('INVALID_OPTION', 'groupId must not be empty');
  const maxWaitTimeMs = positiveInteger(
    'maxWaitTimeMs',
    options.maxWaitTimeMs ?? clientTimings.maxWaitTimeMs ?? 3000,
  );
  return {
    groupId: options.groupId,
    concurrency: positiveInteger('concurrency', options.concurrency ?? 10),
    maxAttempts: positiveInteger('maxAttempts', options.maxAttempts ?? 5),
    retryBackoffMs: nonNegativeInteger('retryBackoffMs', options.retryBackoffMs ?? 200),
    log: options.log ?? nestMessagingLog(`ConsumerRunner ${options.groupId}`),
    fromBeginning: options.fromBeginning ?? true,
    partitionsConsumedConcurrently: positiveInteger(
      'partitionsConsumedConcurrently',
      options.partitionsConsumedConcurrently ?? 1,
    ),
    sessionTimeoutMs: positiveInteger('sessionTimeoutMs', options.sessionTimeoutMs ?? 6000),
    heartbeatIntervalMs: positiveInteger(
      'heartbeatIntervalMs',
      options.heartbeatIntervalMs ?? clientTimings.heartbeatIntervalMs ?? 2000,
    ),
    maxWaitTimeMs,
    minBytes: positiveInteger('minBytes', options.minBytes ?? 1),
    maxBytesPerPartition: positiveInteger(
      'maxBytesPerPartition',
      options.maxBytesPerPartition ?? 1024 * 1024,
    ),
    holdDueWithinMs: nonNegativeInteger('holdDueWithinMs', options.holdDueWithinMs ?? maxWaitTimeMs),
    commitIntervalMs: positiveInteger('commitIntervalMs', options.commitIntervalMs ?? 5000),
    outageBackoffMaxMs: positiveInteger('outageBackoffMaxMs', options.outageBackoffMaxMs ?? 2000),
    poisonAfterLostDeliveries: positiveInteger(
      'poisonAfterLostDeliveries',
      options.poisonAfterLostDeliveries ?? 2,
    ),
    restartBackoffMaxMs: positiveInteger('restartBackoffMaxMs', options.restartBackoffMaxMs ?? 30_000),
    stopTimeoutMs: positiveInteger('stopTimeoutMs', options.stopTimeoutMs ?? 10_000),
  };
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new MessagingError('INVALID_OPTION', `${name} must be a positive integer, got ${value}`);
  }
  return value;
}

function nonNegativeInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) {
    throw new MessagingError('INVALID_OPTION', `${name} must be zero or a positive integer, got ${value}`);
  }
  return value;
}
