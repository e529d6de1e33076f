import { HeaderName, inspectInput } from '@switchboard/contracts';
import { ownerOfDeadLetter } from './dead-letter-owner';

/** A record read from the dead-letter topic, as the consumer hands it over. */
export interface DeadLetterRecord {
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, string>;
  /** When it was parked: the dead-letter record's own timestamp. */
  timestamp: Date;
}

/** One dead letter as it is stored: where it came from, why, and what it takes to put it back. */
export interface ParkedDeadLetter {
  /**
   * From the tenant header, or else named in the value (an upstream envelope's `tenant`, a payload's
   * `tenantId`); null when neither says (e.g. an upstream value that was not JSON): only operators see it.
   */
  tenantId: string | null;
  messageId: string | null;
  originalTopic: string;
  originalPartition: number;
  originalOffset: string;
  reason: string;
  attempts: number;
  key: Buffer | null;
  /** The original headers a redrive sends again; never the dead-letter or per-attempt ones. */
  headers: Record<string, string>;
  payload: Buffer | null;
  parkedAt: Date;
}

// Said by the dead-letter record about itself, or about one delivery attempt: a redrive starts afresh.
const HEADERS_NOT_REDRIVEN = new Set<string>([
  HeaderName.originalTopic,
  HeaderName.originalPartition,
  HeaderName.originalOffset,
  HeaderName.error,
  HeaderName.attempts,
  HeaderName.attempt,
  HeaderName.notBefore,
  HeaderName.firstAttemptAt,
  HeaderName.redrivenFrom,
]);

/**
 * The dead letter a record of the dead-letter topic describes, or undefined when it does not say
 * where it came from (nobody could put it back, and it has no place in the once-only key).
 */
export function parkedDeadLetterOf(record: DeadLetterRecord): ParkedDeadLetter | undefined {
  const { headers } = record;
  const originalTopic = headers[HeaderName.originalTopic];
  const originalPartition = Number(headers[HeaderName.originalPartition]);
  const originalOffset = headers[HeaderName.originalOffset];
  if (!originalTopic || !Number.isInteger(originalPartition) || originalPartition < 0) return undefined;
  if (!originalOffset || !/^\d+$/.test(originalOffset)) return undefined;
  const attempts = Number(headers[HeaderName.attempts]);
  const redriven: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!HEADERS_NOT_REDRIVEN.has(name)) redriven[name] = value;
  }
  return {
    tenantId: ownerOfDeadLetter(headers, record.value),
    messageId: headers[HeaderName.messageId] || null,
    originalTopic,
    originalPartition,
    originalOffset,
    reason: headers[HeaderName.error] || 'no reason given',
    attempts: Number.isInteger(attempts) && attempts >= 0 ? attempts : 0,
    key: record.key,
    headers: redriven,
    payload: record.value,
    parkedAt: record.timestamp,
  };
}

/** The headers a redriven event goes out with: its own, a first attempt, and which dead letter it was. */
export function redriveHeaders(stored: Record<string, string>, deadLetterId: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(stored)) {
    if (!HEADERS_NOT_REDRIVEN.has(name)) headers[name] = value;
  }
  return { ...headers, [HeaderName.attempt]: '1', [HeaderName.redrivenFrom]: deadLetterId };
}

/** The payload as the API shows it: parsed JSON, or the raw text when it is not JSON. */
export function payloadView(payload: Buffer | null): unknown {
  if (payload === null) return null;
  const text = payload.toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text) as unknown;
  } catch {
    return text;
  }
  // Parked because it nests too deep, it would overflow the stack when written as JSON again.
  const tooDeep = inspectInput(parsed, { checkText: false }).problems.length > 0;
  return tooDeep ? text : parsed;
}
