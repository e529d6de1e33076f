import { HeaderName } from '@switchboard/contracts';
import type { ConsumedEvent, DeadLetter } from '@switchboard/messaging';

// Keeps a header within what the broker and the dead-letter views comfortably hold.
const MAX_DEAD_LETTER_ERROR_LENGTH = 2000;

/**
 * The dead letter for a dispatch given up on: its key, its value as it was written (personal
 * fields sealed, never opened here) and headers, plus where it came from and why.
 */
export function deadLetterFor(event: ConsumedEvent<unknown>, reason: string, attempts: number): DeadLetter {
  return {
    key: event.key === null ? null : Buffer.from(event.key),
    value: event.value,
    headers: {
      ...event.headers,
      [HeaderName.originalTopic]: event.topic,
      [HeaderName.originalPartition]: String(event.partition),
      [HeaderName.originalOffset]: event.offset,
      [HeaderName.error]: reason.slice(0, MAX_DEAD_LETTER_ERROR_LENGTH),
      [HeaderName.attempts]: String(attempts),
    },
  };
}
