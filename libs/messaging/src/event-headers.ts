import { HeaderName, type TopicContract } from '@switchboard/contracts';
import type { IHeaders } from 'kafkajs';

export interface PublishOptions {
  /** Extra headers (e.g. `sb-not-before` on a retry topic); the contract's own headers win. */
  headers?: Record<string, string>;
  /** Delivery attempt this publish starts; 1 unless re-publishing to a retry topic. */
  attempt?: number;
}

/** Where a dead letter came from and why it was parked. */
export interface DeadLetterReason {
  topic: string;
  partition: number;
  offset: string;
  error: string;
  /** Handler attempts made; 0 when the payload never reached a handler. */
  attempts: number;
}

/** The headers every Switchboard event carries, trace context aside (added when sent). */
export function eventHeaders(
  contract: TopicContract<unknown>,
  payload: unknown,
  options: PublishOptions = {},
): Record<string, string> {
  const attempt = options.attempt ?? 1;
  if (!Number.isInteger(attempt) || attempt < 1) {
    throw new RangeError(`attempt must be a positive integer, got ${attempt}`);
  }
  const headers: Record<string, string> = {
    ...options.headers,
    [HeaderName.schemaName]: contract.schemaName,
    [HeaderName.schemaVersion]: String(contract.schemaVersion),
    [HeaderName.attempt]: String(attempt),
  };
  const tenant = stringField(payload, 'tenantId');
  if (tenant !== undefined) headers[HeaderName.tenant] = tenant;
  const messageId = stringField(payload, 'messageId');
  if (messageId !== undefined) headers[HeaderName.messageId] = messageId;
  return headers;
}

/** kafkajs headers as text; a repeated header keeps its last value. */
export function readHeaders(headers: IHeaders | undefined): Record<string, string> {
  const text: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const last = Array.isArray(value) ? value[value.length - 1] : value;
    if (last !== undefined) text[name] = last.toString();
  }
  return text;
}

// Our own headers all start so; W3C trace context and anything else are other people's.
const INTERNAL_HEADER_PREFIX = 'sb-';

/**
 * The headers of a record read from a topic other systems write (an upstream topic), without our
 * internal `sb-*` ones: a producer there must not set an attempt count, a not-before time, a
 * tenant, a message id or anything else that only Switchboard may say about its own events.
 */
export function withoutInternalHeaders(headers: IHeaders | undefined): IHeaders {
  const kept: IHeaders = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (!name.toLowerCase().startsWith(INTERNAL_HEADER_PREFIX)) kept[name] = value;
  }
  return kept;
}

/** The original headers, byte for byte, plus the dead-letter headers saying where from and why. */
export function deadLetterHeaders(original: IHeaders | undefined, reason: DeadLetterReason): IHeaders {
  return {
    ...original,
    [HeaderName.originalTopic]: reason.topic,
    [HeaderName.originalPartition]: String(reason.partition),
    [HeaderName.originalOffset]: reason.offset,
    [HeaderName.error]: truncate(reason.error, MAX_ERROR_HEADER_LENGTH),
    [HeaderName.attempts]: String(reason.attempts),
  };
}

/** The delivery attempt an event's header states; 1 when it is missing or not a positive integer. */
export function attemptOf(headers: Record<string, string>): number {
  const attempt = Number(headers[HeaderName.attempt]);
  return Number.isInteger(attempt) && attempt >= 1 ? attempt : 1;
}

const MAX_ERROR_HEADER_LENGTH = 2000;

function truncate(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;
}

function stringField(payload: unknown, field: string): string | undefined {
  if (typeof payload !== 'object' || payload === null) return undefined;
  const value = (payload as Record<string, unknown>)[field];
  return typeof value === 'string' ? value : undefined;
}
