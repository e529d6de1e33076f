import { maskPersonalData as maskText } from '@switchboard/security';

export type ProviderFailureKind =
  /** The provider or the network failed this time; the same request may succeed later. */
  | 'transient'
  /** The provider refused because we are sending too fast; retry later, slower. */
  | 'throttled'
  /** The request itself is wrong (bad address, opted out, rejected content): never retry it. */
  | 'permanent';

export interface ProviderFailure {
  kind: ProviderFailureKind;
  /** Stable and short, for metrics and dead letters: the provider's error code or `http-<status>`. */
  code: string;
  /** Human-readable, at most 300 characters, with email addresses, phone numbers and secrets masked. */
  reason: string;
  /** How long the provider asked us to wait (a throttled answer with Retry-After). */
  retryAfterMs?: number;
}

/** Error codes a provider answers with, by what they mean for a retry. */
export interface AwsErrorCodes {
  permanentCodes: readonly string[];
  throttledCodes: readonly string[];
}

// Codes as the Query API sends them; the SDK's exception names add "Exception" to some of them
// (MailFromDomainNotVerifiedException), and both spellings are matched.
export const SES_ERROR_CODES: AwsErrorCodes = {
  throttledCodes: ['Throttling', 'MaxSendingRateExceeded'],
  permanentCodes: [
    'MessageRejected',
    'MailFromDomainNotVerified',
    'ConfigurationSetDoesNotExist',
    'AccountSendingPaused',
    'InvalidParameterValue',
  ],
};

export const SNS_ERROR_CODES: AwsErrorCodes = {
  throttledCodes: ['Throttled', 'Throttling'],
  permanentCodes: [
    'OptedOut',
    'InvalidParameter',
    'InvalidParameterValue',
    'EndpointDisabled',
    'AuthorizationError',
  ],
};

const NETWORK_ERROR_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN']);
const NETWORK_CODE_IN_MESSAGE = new RegExp(`\\b(${[...NETWORK_ERROR_CODES].join('|')})\\b`);
const NETWORK_ERROR_NAMES = new Set(['TimeoutError', 'AbortError']);
const MAX_REASON_LENGTH = 300;

/**
 * Classifies an error thrown by an AWS SDK v3 client (or by the network under it). Named codes
 * decide first, then the SDK's own hints (`$retryable`, `$fault`), then the HTTP status; what
 * cannot be recognised is transient, so an unknown failure is retried rather than lost.
 */
export function classifyAwsError(error: unknown, codes: AwsErrorCodes): ProviderFailure {
  const details = awsErrorDetails(error);
  const reason = maskPersonalData(details.message);
  const named = details.names.find(
    (name) => codes.throttledCodes.includes(name) || codes.permanentCodes.includes(name),
  );
  if (named !== undefined) {
    return { kind: codes.throttledCodes.includes(named) ? 'throttled' : 'permanent', code: named, reason };
  }
  if (details.throttling || details.status === 429) {
    return { kind: 'throttled', code: details.code ?? `http-${details.status}`, reason };
  }
  if (details.networkCode !== undefined) {
    return { kind: 'transient', code: details.networkCode, reason };
  }
  const status = details.status;
  if (status !== undefined && status >= 500) {
    return { kind: 'transient', code: details.code ?? `http-${status}`, reason };
  }
  if (details.retryable) {
    return { kind: 'transient', code: details.code ?? 'retryable', reason };
  }
  if (status !== undefined && status >= 400) {
    return { kind: 'permanent', code: details.code ?? `http-${status}`, reason };
  }
  return { kind: 'transient', code: details.code ?? 'unknown', reason };
}

export function classifySesError(error: unknown): ProviderFailure {
  return classifyAwsError(error, SES_ERROR_CODES);
}

export function classifySnsError(error: unknown): ProviderFailure {
  return classifyAwsError(error, SNS_ERROR_CODES);
}

/**
 * Classifies a push service's answer to a Web Push request (RFC 8030). `subscription-gone`
 * tells the caller to delete the subscription: the browser unsubscribed or it expired.
 */
export function classifyPushResponse(
  statusCode: number,
  body?: string,
  headers?: Record<string, string | string[] | undefined>,
): ProviderFailure {
  const reason = maskPersonalData(body?.trim() ? `HTTP ${statusCode}: ${body.trim()}` : `HTTP ${statusCode}`);
  if (statusCode === 404 || statusCode === 410) {
    return { kind: 'permanent', code: 'subscription-gone', reason };
  }
  if (statusCode === 429) {
    const retryAfterMs = parseRetryAfter(headerValue(headers, 'retry-after'));
    return {
      kind: 'throttled',
      code: 'http-429',
      reason,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    };
  }
  if (statusCode >= 500) return { kind: 'transient', code: `http-${statusCode}`, reason };
  // 400 malformed, 401/403 VAPID keys refused, 413 payload too large: sending again changes nothing.
  if (statusCode >= 400) return { kind: 'permanent', code: `http-${statusCode}`, reason };
  // A non-error status given as a failure (a redirect, say) is not understood: try again later.
  return { kind: 'transient', code: `http-${statusCode}`, reason };
}

/** Retry-After as delay seconds or an HTTP date (RFC 9110), in milliseconds from `now`. */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

interface AwsErrorDetails {
  /** Every spelling of the error's code, to match against the code lists. */
  names: string[];
  code?: string;
  networkCode?: string;
  status?: number;
  retryable: boolean;
  throttling: boolean;
  message: string;
}

function awsErrorDetails(error: unknown): AwsErrorDetails {
  const record = isRecord(error) ? error : {};
  const name = stringField(record, 'name');
  // `Code` is the Query API's own field; SDK exceptions carry it beside `name`.
  const awsCode = stringField(record, 'Code');
  const systemCode = stringField(record, 'code');
  const metadata = isRecord(record.$metadata) ? record.$metadata : {};
  const status = typeof metadata.httpStatusCode === 'number' ? metadata.httpStatusCode : undefined;
  const retryable = isRecord(record.$retryable);
  const throttling = retryable && (record.$retryable as Record<string, unknown>).throttling === true;
  // Read as a field, not by instanceof: errors from Node's own realm fail instanceof inside a sandbox.
  const message = stringField(record, 'message') ?? (typeof error === 'string' ? error : String(error));

  const names = [name, awsCode, systemCode]
    .filter((value): value is string => value !== undefined && value !== 'Error')
    .flatMap((value) =>
      value.endsWith('Exception') ? [value, value.slice(0, -'Exception'.length)] : [value],
    );
  const networkCode =
    systemCode !== undefined && NETWORK_ERROR_CODES.has(systemCode)
      ? systemCode
      : name !== undefined && NETWORK_ERROR_NAMES.has(name)
        ? name
        : networkCodeInMessage(message);
  const serverFault = record.$fault === 'server' && status === undefined;
  return {
    names,
    code: awsCode ?? (name !== undefined && name !== 'Error' ? name : systemCode),
    networkCode,
    // A server fault without a status (the SDK could not read one) still means the provider failed.
    status: serverFault ? 500 : status,
    retryable: retryable,
    throttling,
    message,
  };
}

// The SDK wraps what it does not recognise as an Error ("AWS SDK error wrapper for Error: connect
// ECONNREFUSED ..."), dropping `code`; the message still names it.
function networkCodeInMessage(message: string): string | undefined {
  const code = message.match(NETWORK_CODE_IN_MESSAGE)?.[1];
  if (code !== undefined) return code;
  return /socket hang up/i.test(message) ? 'socket-hang-up' : undefined;
}

/**
 * Provider messages echo the recipient ("Address blacklisted: a@b.c"); reasons travel to logs,
 * timelines and dead letters, so they are cut to 300 characters before they are masked.
 */
export function maskPersonalData(text: string): string {
  return maskText(text, MAX_REASON_LENGTH);
}

function headerValue(
  headers: Record<string, string | string[] | undefined> | undefined,
  name: string,
): string | undefined {
  if (headers === undefined) return undefined;
  const key = Object.keys(headers).find((candidate) => candidate.toLowerCase() === name);
  const value = key === undefined ? undefined : headers[key];
  return Array.isArray(value) ? value[0] : value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function stringField(record: Record<string, unknown>, field: string): string | undefined {
  const value = record[field];
  return typeof value === 'string' && value !== '' ? value : undefined;
}
