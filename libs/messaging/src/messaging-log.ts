import { Logger } from '@nestjs/common';
import { cutText } from '@switchboard/security';
import { describeError, LOG_LINE_LIMIT, LOG_STRING_LIMIT, redactText } from '@switchboard/telemetry';

export type MessagingLogLevel = 'debug' | 'info' | 'warn' | 'error';
/** Fields are identifiers only (topic, partition, offset, tenant, message id): never payload data. */
export type MessagingLogFields = Record<string, string | number | boolean | undefined>;
export type MessagingLog = (level: MessagingLogLevel, message: string, fields: MessagingLogFields) => void;

// The structured logger's bounds: a message, an error or a reason is cut to 2 KiB before it is
// masked, a line to 8 KiB; a field, which names an identifier, to 256 characters.
const FIELD_LIMIT = 256;

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
    .map(([name, value]) => `${name}=${redactText(String(value), FIELD_LIMIT)}`);
  const text = redactText(message);
  // Masked already: cutting it cannot show half of an address.
  return cutText(pairs.length === 0 ? text : `${text} (${pairs.join(', ')})`, LOG_LINE_LIMIT);
}

/** `Name: message`, cut to 2 KiB; not masked (a log line shows loggableError from @switchboard/telemetry). */
export function errorMessage(error: unknown): string {
  return cutText(describeError(error), LOG_STRING_LIMIT);
}
