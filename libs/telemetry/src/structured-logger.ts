import type { LoggerService, LogLevel as NestLogLevel } from '@nestjs/common';
import { LineBudget, LOG_LINE_LIMIT, redact, redactText } from './redact';
import { currentSpanContext } from './tracing';
import { hostedServiceName } from './hosted-service';

export type LogLevelName = 'debug' | 'info' | 'warn' | 'error';
type EntryLevel = LogLevelName | 'fatal';
export type LogFields = Record<string, unknown>;
/** Receives one JSON document per entry, without the line break. */
export type LogSink = (line: string) => void;

export interface StructuredLoggerOptions {
  /** Where lines go; standard output unless given. */
  sink?: LogSink;
  /** The class or component writing, when not given per call. */
  context?: string;
  /** Fields written on every entry, e.g. { tenantId }. */
  fields?: LogFields;
}

const SEVERITY: Record<EntryLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, fatal: 50 };
const NEST_LEVELS: Record<NestLogLevel, EntryLevel> = {
  verbose: 'debug',
  debug: 'debug',
  log: 'info',
  warn: 'warn',
  error: 'error',
  fatal: 'fatal',
};
const RESERVED_KEYS = new Set(['time', 'level', 'service', 'context', 'message', 'traceId', 'spanId']);
// What Nest's ConsoleLogger takes for a stack trace when a lone string follows an error message.
const STACK_TRACE = /^(.)+\n\s+at .+:\d+:\d+/;
// Markers of what was cut may go a little past the line's budget; they come out of this share.
const MARKER_ALLOWANCE = 1024;
const CONTEXT_LIMIT = 200;

const writeToStandardOutput: LogSink = (line) => {
  process.stdout.write(`${line}\n`);
};

/**
 * A Nest LoggerService writing one JSON line per entry: time, level, service, context, message,
 * the active span's traceId and spanId, the fields passed, and the error. Personal data and
 * secrets are redacted. Every string is cut to LOG_STRING_LIMIT characters before it is masked,
 * and a line to LOG_LINE_LIMIT: the message first, then the fields, the error and other details.
 * Follows Nest's calling convention: a trailing string is the context.
 *
 *   logger.log('message sent', { tenantId, messageId });
 *   logger.error('provider call failed', error, { provider: 'ses' });
 */
export class StructuredLogger implements LoggerService {
  private readonly sink: LogSink;
  private readonly context?: string;
  private readonly fields: LogFields;
  // Shared with children, so that a level set on the application's logger applies to all of them.
  private threshold: { severity: number };

  constructor(
    private readonly serviceName: string,
    level: LogLevelName = 'info',
    options: StructuredLoggerOptions = {},
  ) {
    this.sink = options.sink ?? writeToStandardOutput;
    this.context = options.context;
    this.fields = options.fields ?? {};
    this.threshold = { severity: SEVERITY[level] };
  }

  /** A logger for one class or component, optionally with fields repeated on every entry. */
  child(context: string, fields: LogFields = {}): StructuredLogger {
    const child = new StructuredLogger(this.serviceName, 'info', {
      sink: this.sink,
      context,
      fields: { ...this.fields, ...fields },
    });
    child.threshold = this.threshold;
    return child;
  }

  isLevelEnabled(level: LogLevelName): boolean {
    return SEVERITY[level] >= this.threshold.severity;
  }

  log(message: unknown, ...optionalParams: unknown[]): void {
    this.write('info', message, optionalParams);
  }

  error(message: unknown, ...optionalParams: unknown[]): void {
    this.write('error', message, optionalParams);
  }

  warn(message: unknown, ...optionalParams: unknown[]): void {
    this.write('warn', message, optionalParams);
  }

  debug(message: unknown, ...optionalParams: unknown[]): void {
    this.write('debug', message, optionalParams);
  }

  verbose(message: unknown, ...optionalParams: unknown[]): void {
    this.write('debug', message, optionalParams);
  }

  fatal(message: unknown, ...optionalParams: unknown[]): void {
    this.write('fatal', message, optionalParams);
  }

  /** Nest passes the levels it wants written; the lowest of them becomes the threshold. */
  setLogLevels(levels: NestLogLevel[]): void {
    const severities = levels.map((level) => SEVERITY[NEST_LEVELS[level]]);
    this.threshold.severity = severities.length > 0 ? Math.min(...severities) : SEVERITY.fatal;
  }

  private write(level: EntryLevel, message: unknown, optionalParams: unknown[]): void {
    if (SEVERITY[level] < this.threshold.severity) return;
    const { context, params } = this.splitContext(level, optionalParams);
    const entry = describeEntry(message, params);
    const spanContext = currentSpanContext();
    const head = {
      time: new Date().toISOString(),
      level,
      service: hostedServiceName() ?? this.serviceName,
      ...(context ? { context: redactText(context, CONTEXT_LIMIT) } : {}),
    };
    const trace = spanContext ? { traceId: spanContext.traceId, spanId: spanContext.spanId } : {};
    const budget = new LineBudget(LOG_LINE_LIMIT - MARKER_ALLOWANCE);
    budget.spend(JSON.stringify({ ...head, message: '', ...trace }).length);
    const line = { ...head, message: budget.text(entry.message), ...trace };
    // What the message leaves is shared by the fields (identifiers first), the error and the
    // details, so that a long field cannot crowd the error out; a share one does not use goes on.
    const parts = [
      withoutReservedKeys({ ...this.fields, ...entry.fields }),
      entry.error,
      entry.details.length > 0 ? entry.details : undefined,
    ];
    const [fields, error, details] = parts.map((part, index) => {
      if (part === undefined) return undefined;
      const sharing = parts.slice(index).filter((later) => later !== undefined).length;
      return redact(part, budget.share(1 / sharing));
    });
    this.sink(
      JSON.stringify({
        ...line,
        ...(fields as LogFields),
        ...(details === undefined ? {} : { details }),
        ...(error === undefined ? {} : { error }),
      }),
    );
  }

  private splitContext(
    level: EntryLevel,
    optionalParams: unknown[],
  ): { context?: string; params: unknown[] } {
    const last = optionalParams.at(-1);
    const loneStackTrace =
      level === 'error' && optionalParams.length === 1 && typeof last === 'string' && STACK_TRACE.test(last);
    if (typeof last === 'string' && !loneStackTrace) {
      return { context: last, params: optionalParams.slice(0, -1) };
    }
    return { context: this.context, params: optionalParams };
  }
}

interface DescribedEntry {
  message: string;
  fields: LogFields;
  details: unknown[];
  /** An Error, or { stack } for a lone stack trace: serialized within the line's budget. */
  error?: object;
}

function describeEntry(message: unknown, params: unknown[]): DescribedEntry {
  const entry: DescribedEntry = { message: '', fields: {}, details: [] };
  if (message instanceof Error) {
    entry.message = message.message;
    entry.error = message;
  } else if (isPlainObject(message)) {
    const { message: text, ...fields } = message;
    entry.message = typeof text === 'string' ? text : '';
    entry.fields = fields;
  } else {
    entry.message =
      typeof message === 'string' ? message : (JSON.stringify(redact(message)) ?? String(message));
  }
  for (const param of params) {
    if (param === undefined) continue;
    if (param instanceof Error) entry.error ??= param;
    else if (isPlainObject(param)) Object.assign(entry.fields, param);
    else if (typeof param === 'string' && STACK_TRACE.test(param)) entry.error ??= { stack: param };
    else entry.details.push(param);
  }
  return entry;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function withoutReservedKeys(fields: LogFields): LogFields {
  return Object.fromEntries(Object.entries(fields).filter(([key]) => !RESERVED_KEYS.has(key)));
}
