import { ContractValidationError, type ValidationProblem } from '@switchboard/contracts';
import type { KafkaMessage } from 'kafkajs';
import { deadLetterHeaders } from '../event-headers';
import type { DeadLetter } from '../event-publisher';

/** A consumed record that cannot be processed, and why. */
export interface ParkedRecord {
  message: KafkaMessage;
  error: string;
  /** Handler attempts made; 0 when the payload never reached a handler. */
  attempts: number;
}

/** Dead letters keep the original key, value and headers byte for byte. */
export function toDeadLetters(
  topic: string,
  partition: number,
  records: readonly ParkedRecord[],
): DeadLetter[] {
  return records.map(({ message, error, attempts }) => ({
    key: message.key ?? null,
    value: message.value ?? null,
    headers: deadLetterHeaders(message.headers, {
      topic,
      partition,
      offset: message.offset,
      error,
      attempts,
    }),
  }));
}

export function describeProblems(topic: string, problems: ValidationProblem[]): string {
  return new ContractValidationError(`${topic} payload`, problems).message;
}
