import { Logger } from '@nestjs/common';

export type MessagingLogLevel = 'debug' | 'info' | 'warn' | 'error';
/** Fields are identifiers only (topic, partition, offset, tenant, message id): never payload data. */
export type MessagingLogFields = Record<string, string | number | boolean | undefined>;
export type MessagingLog = (level: MessagingLogLevel, message: string, fields: MessagingLogFields) => void;

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

export function formatLine(message: string, fields: MessagingLogFields = {}): string {
  const pairs = Object.entries(fields)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => `${name}=${String(value)}`);
  return pairs.length === 0 ? message : `${message} (${pairs.join(', ')})`;
}

const EMAIL_ADDRESS = /[^\s@<>"'(),;:]+@[^\s@<>"'(),;:]+\.[^\s@<>"'(),;:]+/g;
const PHONE_NUMBER = /\+\d[\d\s().-]{6,}\d|\b\d{9,}\b/g;

/** Masks email addresses and phone numbers in text that may quote them, such as a provider's error. */
export function redactPersonalData(text: string): string {
  return text.replace(EMAIL_ADDRESS, '[email]').replace(PHONE_NUMBER, '[phone]');
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** An error as a log line may show it. */
export function loggableError(error: unknown): string {
  return redactPersonalData(errorMessage(error));
}
