import { Logger } from '@nestjs/common';
import { cutText, maskPersonalData } from '@switchboard/security';

export type MessagingLogLevel = 'debug' | 'info' | 'warn' | 'error';
/** Fields are identifiers only (topic, partition, offset, tenant, message id): never payload data. */
export type MessagingLogFields = Record<string, string | number | boolean | undefined>;
export type MessagingLog = (level: MessagingLogLevel, message: string, fields: MessagingLogFields) => void;

// The structured logger's bounds: a message, an error or a reason is cut to 2 KiB before it is
// masked, a field to 256 characters, a line to 8 KiB.
const TEXT_LIMIT = 2048;
const FIELD_LIMIT = 256;
const LINE_LIMIT = 8192;

/** Routes messaging log lines to a Nest logger named after `context`. */
export function nestMessagingLog(context: string): MessagingLog {
  const logger = new Logger(context);
  return (level, message, fields) => {
    const line = formatLine(message, fields);
    if (level === 'debug') logger.debug(line);
    else if (level === 'info') logger.log(line);
    else if (level === 'warn') logger.warn(line);
    else logger.error(line);
  };
}

/** `message (name=value, ...)`, each part cut to its bound and masked, the line at most 8 KiB. */
export function formatLine(message: string, fields: MessagingLogFields = {}): string {
  const pairs = Object.entries(fields)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => `${name}=${maskPersonalData(String(value), FIELD_LIMIT)}`);
  const text = maskPersonalData(message, TEXT_LIMIT);
  // Masked already: cutting it cannot show half of an address.
  return cutText(pairs.length === 0 ? text : `${text} (${pairs.join(', ')})`, LINE_LIMIT);
}

/** Masks email addresses, phone numbers and secrets in text that may quote them, such as a provider's error; cut to 2 KiB first. */
export function redactPersonalData(text: string): string {
  return maskPersonalData(text, TEXT_LIMIT);
}

/** `Name: message`, cut to 2 KiB; not masked (see loggableError). */
export function errorMessage(error: unknown): string {
  return cutText(describeError(error), TEXT_LIMIT);
}

/** An error as a log line may show it: cut to 2 KiB, then masked. */
export function loggableError(error: unknown): string {
  return maskPersonalData(describeError(error), TEXT_LIMIT);
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
