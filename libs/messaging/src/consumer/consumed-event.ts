import { HeaderName } from '@switchboard/contracts';
import type { KafkaMessage } from 'kafkajs';
import { attemptOf } from '../event-headers';
import type { MessagingLogFields } from '../messaging-log';

export interface ConsumedEvent<T> {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  payload: T;
  /**
   * The record's value as it was written, its personal fields still sealed: what a handler that
   * parks or republishes the record as it is keeps (never the opened payload).
   */
  value: Buffer | null;
  headers: Record<string, string>;
  /** Delivery attempt from the `sb-attempt` header: 1 unless re-published to a retry topic. */
  attempt: number;
  /** This consumer's try at the event, 1 to maxAttempts: a handler that throws is retried in place. */
  processingAttempt: number;
}

/**
 * What a handler did with an event; a skip names its reason so that it is never silent. A
 * rejected event is one no retry can make acceptable (e.g. a tenant its topic does not allow): it
 * is dead-lettered at once with the reason.
 */
export type HandlerOutcome =
  { outcome: 'done' } | { outcome: 'skipped'; reason: string } | { outcome: 'rejected'; reason: string };

/** What a batch handler reports: the events that failed and why, to be retried on their own. */
export interface BatchOutcome<T = unknown> {
  failed: Array<{ event: ConsumedEvent<T>; error: unknown }>;
}

export function consumedEvent<T>(
  topic: string,
  partition: number,
  message: KafkaMessage,
  headers: Record<string, string>,
  payload: T,
): ConsumedEvent<T> {
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key?.toString('utf8') ?? null,
    payload,
    value: message.value ?? null,
    headers,
    attempt: attemptOf(headers),
    processingAttempt: 1,
  };
}

/** What a log line may say about an event: where it is and whose it is, never its payload or key. */
export function eventLogFields(
  groupId: string,
  topic: string,
  partition: number,
  offset: string,
  headers: Record<string, string>,
): MessagingLogFields {
  return {
    groupId,
    topic,
    partition,
    offset,
    tenant: headers[HeaderName.tenant],
    messageId: headers[HeaderName.messageId],
  };
}
