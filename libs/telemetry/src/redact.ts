import { cutText, maskPersonalData, REDACTED } from '@switchboard/security';

export { REDACTED };

/** The most characters of any one string a log line shows: its message, a field, an error's message or stack. */
export const LOG_STRING_LIMIT = 2048;
/** The most characters of JSON one log line takes, everything included. */
export const LOG_LINE_LIMIT = 8192;

const MAX_DEPTH = 8;
const KEY_LIMIT = 64;
// The first line of a stack repeats the error's message, which the entry shows beside it already.
const STACK_HEADER_LIMIT = 200;
const MINIMUM_ROOM = 32;

// Compared against the key lower-cased with separators removed, so apiKey, api_key and
// X-Api-Key all match. Over-redacting a harmless field is the cheaper mistake.
const SENSITIVE_KEY_PARTS = [
  'password',
  'passwd',
  'passphrase',
  'secret',
  'token',
  'apikey',
  'authorization',
  'cookie',
  'credential',
  'privatekey',
  'accesskey',
];

export function isSensitiveKey(key: string): boolean {
  const normalised = key.toLowerCase().replace(/[^a-z0-9]/g, '');
  return SENSITIVE_KEY_PARTS.some((part) => normalised.includes(part));
}

/**
 * Free text cut to `maxLength` characters, then masked: j***@example.com, +*********78,
 * `Bearer [REDACTED]`, `password=[REDACTED]`, `postgres://user:[REDACTED]@host`.
 */
export function redactText(text: string, maxLength: number = LOG_STRING_LIMIT): string {
  return maskPersonalData(text, maxLength);
}

/** `Name: message` of an error, or a thrown value that is not one as text; neither cut nor masked. */
export function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** An error as one line of a log or a span's status may show it: cut to 2 KiB, then masked. */
export function loggableError(error: unknown): string {
  return redactText(describeError(error));
}

/**
 * Characters of JSON a log line has left. Every value redacted into the line takes its share, so
 * the first fields get their whole string limit and what comes once it is spent is cut short or
 * left out with a marker.
 */
export class LineBudget {
  constructor(
    private left: number = LOG_LINE_LIMIT,
    private readonly whole?: LineBudget,
  ) {}

  get spent(): boolean {
    return this.left <= 0;
  }

  /** A part of what is left, for one part of the line; what it spends is spent here too. */
  share(fraction: number): LineBudget {
    return new LineBudget(Math.floor(this.left * fraction), this);
  }

  spend(characters: number): void {
    this.left -= characters;
    this.whole?.spend(characters);
  }

  /** `text` cut to the string limit or to what is left, masked, and counted as JSON. */
  text(text: string): string {
    const room = Math.max(MINIMUM_ROOM, Math.min(LOG_STRING_LIMIT, this.left - 2));
    let shown = maskPersonalData(text, room);
    let length = jsonLength(shown);
    // JSON escapes quotes and control characters; cutting what was masked is still safe.
    for (let tries = 0; length > room + 2 && tries < 4; tries++) {
      shown = cutText(shown, Math.floor((shown.length * room) / length));
      length = jsonLength(shown);
    }
    this.spend(length);
    return shown;
  }
}

/**
 * A JSON-safe copy of `value` with personal data masked in every string and the values of
 * secret-named keys (password, token, apiKey, authorization, ...) replaced. Errors become
 * { name, message, stack, ... }; cycles and very deep nesting are cut, and strings, keys and
 * collections are cut to what `budget` (one log line's by default) leaves room for.
 */
export function redact(value: unknown, budget: LineBudget = new LineBudget()): unknown {
  return redactValue(value, 0, new WeakSet(), budget);
}

export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  [property: string]: unknown;
}

export function serializeError(error: Error, budget: LineBudget = new LineBudget()): SerializedError {
  return redactError(error, 0, new WeakSet(), budget);
}

function redactValue(value: unknown, depth: number, ancestors: WeakSet<object>, budget: LineBudget): unknown {
  if (typeof value === 'string') return budget.text(value);
  if (typeof value === 'bigint') return budget.text(value.toString());
  if (typeof value === 'function' || typeof value === 'symbol' || value === undefined) return undefined;
  if (value === null || typeof value !== 'object') {
    budget.spend(jsonLength(value));
    return value;
  }
  if (ancestors.has(value)) return budget.text('[Circular]');
  if (depth >= MAX_DEPTH) return budget.text('[Truncated]');
  ancestors.add(value);
  try {
    return redactObject(value, depth, ancestors, budget);
  } finally {
    ancestors.delete(value);
  }
}

function redactObject(value: object, depth: number, ancestors: WeakSet<object>, budget: LineBudget): unknown {
  if (value instanceof Error) return redactError(value, depth, ancestors, budget);
  if (value instanceof Date) {
    return budget.text(Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString());
  }
  if (ArrayBuffer.isView(value)) return budget.text(`[${value.byteLength} bytes]`);
  if (Array.isArray(value)) return redactItems(value, value.length, depth, ancestors, budget);
  if (value instanceof Set) return redactItems(value, value.size, depth, ancestors, budget);
  if (value instanceof Map) {
    const entries = (function* () {
      for (const [key, item] of value) yield [String(key), item] as [string, unknown];
    })();
    return redactEntries(entries, value.size, depth, ancestors, budget);
  }
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return redactValue((value as { toJSON(): unknown }).toJSON(), depth + 1, ancestors, budget);
  }
  const keys = Object.keys(value);
  const entries = (function* () {
    for (const key of keys) yield [key, (value as Record<string, unknown>)[key]] as [string, unknown];
  })();
  return redactEntries(entries, keys.length, depth, ancestors, budget);
}

function redactItems(
  items: Iterable<unknown>,
  count: number,
  depth: number,
  ancestors: WeakSet<object>,
  budget: LineBudget,
): unknown[] {
  const result: unknown[] = [];
  budget.spend(2);
  for (const item of items) {
    if (budget.spent) {
      result.push(`…[+${count - result.length} more items]`);
      break;
    }
    result.push(redactValue(item, depth + 1, ancestors, budget));
    budget.spend(1);
  }
  return result;
}

function redactEntries(
  entries: Iterable<[string, unknown]>,
  count: number,
  depth: number,
  ancestors: WeakSet<object>,
  budget: LineBudget,
): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  let written = 0;
  budget.spend(2);
  for (const [key, item] of entries) {
    if (budget.spent) {
      result['…'] = `[+${count - written} more fields]`;
      break;
    }
    const shownKey = maskPersonalData(key, KEY_LIMIT);
    budget.spend(jsonLength(shownKey) + 2);
    result[shownKey] =
      isSensitiveKey(key) && item != null
        ? budget.text(REDACTED)
        : redactValue(item, depth + 1, ancestors, budget);
    written++;
  }
  return result;
}

function redactError(
  error: Error,
  depth: number,
  ancestors: WeakSet<object>,
  budget: LineBudget,
): SerializedError {
  ancestors.add(error);
  const message = String(error.message);
  const serialized: SerializedError = {
    name: budget.text(String(error.name)),
    message: budget.text(message),
  };
  if (error.stack) serialized.stack = budget.text(withShortHeader(error.stack, message));
  // Own properties carry the useful detail of our error classes (code, problems, status).
  const properties = Object.keys(error).filter((key) => !['name', 'message', 'stack', 'cause'].includes(key));
  const entries = properties.map(
    (key) => [key, (error as unknown as Record<string, unknown>)[key]] as [string, unknown],
  );
  Object.assign(serialized, redactEntries(entries, entries.length, depth, ancestors, budget));
  if (error.cause !== undefined) serialized.cause = redactValue(error.cause, depth + 1, ancestors, budget);
  return serialized;
}

// V8 starts a stack with "<name>: <message>"; with a long message, the frames would be cut away.
function withShortHeader(stack: string, message: string): string {
  if (message.length <= STACK_HEADER_LIMIT) return stack;
  const messageStart = stack.indexOf(': ') + 2;
  if (messageStart === 1 || messageStart > 200 || !stack.startsWith(message, messageStart)) return stack;
  return (
    stack.slice(0, messageStart) +
    cutText(message, STACK_HEADER_LIMIT) +
    stack.slice(messageStart + message.length)
  );
}

function jsonLength(value: unknown): number {
  return JSON.stringify(value)?.length ?? 0;
}
