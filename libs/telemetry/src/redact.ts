export const REDACTED = '[REDACTED]';

const MAX_DEPTH = 8;

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

const CREDENTIALS_IN_URL = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s:/@]+):([^\s/@]+)@/gi;
// Case-sensitive spellings and a minimum length, so prose such as "basic auth" stays readable.
const AUTHORIZATION_SCHEME = /\b(Bearer|bearer|BEARER|Basic|BASIC)\s+[A-Za-z0-9\-._~+/]{8,}=*/g;
const SECRET_PARAMETER = /\b(password|passwd|secret|token|api[_-]?key|access[_-]?token)=([^&\s"']+)/gi;
const EMAIL_ADDRESS =
  /([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})\b/g;
const E164_PHONE_NUMBER = /(?<![\w+])\+[1-9]\d{6,14}(?!\d)/g;

export function isSensitiveKey(key: string): boolean {
  const normalised = key.toLowerCase().replace(/[^a-z0-9]/g, '');
  return SENSITIVE_KEY_PARTS.some((part) => normalised.includes(part));
}

/**
 * Masks personal data and secrets in free text: j***@example.com, +*********78, `Bearer [REDACTED]`,
 * `password=[REDACTED]`, `postgres://user:[REDACTED]@host`.
 */
export function redactText(text: string): string {
  return text
    .replace(CREDENTIALS_IN_URL, `$1$2:${REDACTED}@`)
    .replace(AUTHORIZATION_SCHEME, `$1 ${REDACTED}`)
    .replace(SECRET_PARAMETER, `$1=${REDACTED}`)
    .replace(EMAIL_ADDRESS, '$1***@$2')
    .replace(E164_PHONE_NUMBER, (phone) => `+${'*'.repeat(phone.length - 3)}${phone.slice(-2)}`);
}

/**
 * A JSON-safe copy of `value` with personal data masked in every string and the values of
 * secret-named keys (password, token, apiKey, authorization, ...) replaced. Errors become
 * { name, message, stack, ... }; cycles and very deep nesting are cut.
 */
export function redact(value: unknown): unknown {
  return redactValue(value, 0, new WeakSet());
}

export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  [property: string]: unknown;
}

export function serializeError(error: Error): SerializedError {
  return redactError(error, 0, new WeakSet());
}

function redactValue(value: unknown, depth: number, ancestors: WeakSet<object>): unknown {
  if (typeof value === 'string') return redactText(value);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'function' || typeof value === 'symbol') return undefined;
  if (value === null || typeof value !== 'object') return value;
  if (ancestors.has(value)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[Truncated]';
  ancestors.add(value);
  try {
    return redactObject(value, depth, ancestors);
  } finally {
    ancestors.delete(value);
  }
}

function redactObject(value: object, depth: number, ancestors: WeakSet<object>): unknown {
  if (value instanceof Error) return redactError(value, depth, ancestors);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (ArrayBuffer.isView(value)) return `[${value.byteLength} bytes]`;
  if (Array.isArray(value)) return value.map((item) => redactValue(item, depth + 1, ancestors));
  if (value instanceof Set) return [...value].map((item) => redactValue(item, depth + 1, ancestors));
  if (value instanceof Map)
    return redactEntries(
      [...value].map(([key, item]) => [String(key), item]),
      depth,
      ancestors,
    );
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return redactValue((value as { toJSON(): unknown }).toJSON(), depth + 1, ancestors);
  }
  return redactEntries(Object.entries(value), depth, ancestors);
}

function redactEntries(
  entries: [string, unknown][],
  depth: number,
  ancestors: WeakSet<object>,
): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, item] of entries) {
    result[key] = isSensitiveKey(key) && item != null ? REDACTED : redactValue(item, depth + 1, ancestors);
  }
  return result;
}

function redactError(error: Error, depth: number, ancestors: WeakSet<object>): SerializedError {
  ancestors.add(error);
  // Own properties carry the useful detail of our error classes (code, problems, status).
  const properties = redactEntries(
    Object.entries(error).filter(([key]) => !['name', 'message', 'stack', 'cause'].includes(key)),
    depth,
    ancestors,
  );
  const serialized: SerializedError = {
    name: error.name,
    message: redactText(error.message),
    ...(error.stack ? { stack: redactText(error.stack) } : {}),
    ...properties,
  };
  if (error.cause !== undefined) serialized.cause = redactValue(error.cause, depth + 1, ancestors);
  return serialized;
}
