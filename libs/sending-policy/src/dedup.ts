import { createHash } from 'node:crypto';
import type { MessageContent } from '@switchboard/contracts';

/**
 * JSON with the keys of every object sorted, so that two values equal as data give one text
 * whatever order their keys were written in. Array order is kept: it is part of the data.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map((item) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`;
  }
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    const entries = Object.keys(value)
      .sort()
      .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export interface DedupSubject {
  /** The message type key. */
  type: string;
  content: MessageContent;
  /** The caller's own name for "the same message"; when given, the content is not looked at. */
  dedupKey?: string;
}

/**
 * What makes two messages to one recipient the same for a type's dedup window: a SHA-256 hex of
 * the type with the dedup key when the message has one, else with its content (template and data,
 * or the inline subject and body).
 */
export function dedupFingerprint(subject: DedupSubject): string {
  const identity =
    subject.dedupKey === undefined
      ? { type: subject.type, content: subject.content }
      : { type: subject.type, dedupKey: subject.dedupKey };
  return createHash('sha256').update(canonicalJson(identity)).digest('hex');
}
