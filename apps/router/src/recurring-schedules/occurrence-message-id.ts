import { createHash } from 'node:crypto';

// Fixed for good: changing it would give a run that is repeated after a crash a new message id.
const RECURRING_SCHEDULE_NAMESPACE = '0b6f3c1e-5d8a-4f3e-9c1b-7a2e4d6f8b90';

/**
 * The message id of one run of a schedule: the same schedule and run time always give the same id,
 * so a run published again after a crash is the same message, and ingest drops the repeat.
 */
export function occurrenceMessageId(scheduleId: string, runAt: Date): string {
  return nameBasedUuid(RECURRING_SCHEDULE_NAMESPACE, `${scheduleId}@${runAt.toISOString()}`);
}

/** RFC 9562 version 5 UUID (as ingest derives upstream message ids; apps do not share code). */
function nameBasedUuid(namespace: string, name: string): string {
  const digest = createHash('sha1')
    .update(Buffer.from(namespace.replace(/-/g, ''), 'hex'))
    .update(name, 'utf8')
    .digest();
  const bytes = digest.subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
