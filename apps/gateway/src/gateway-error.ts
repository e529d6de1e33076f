import { ProblemException } from '@switchboard/service-kit';

export type GatewayErrorCode =
  | 'UNAUTHENTICATED'
  /** The API key is fine but lacks the route's permission (named in `missingPermission`). */
  | 'PERMISSION_DENIED'
  /** A route with no access declaration: closed until it says who may call it. */
  | 'ROUTE_ACCESS_UNDECLARED'
  | 'MESSAGE_NOT_FOUND'
  | 'ERASURE_NOT_FOUND'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'IDEMPOTENCY_REQUEST_IN_PROGRESS'
  | 'BROKER_UNAVAILABLE'
  | 'SERVICE_UNAVAILABLE'
  | 'UPSTREAM_FAILED'
  /** INBOX_TOKEN_SECRETS is not set, so recipient tokens cannot be signed. */
  | 'INBOX_TOKENS_NOT_CONFIGURED';

export function statusOf(code: GatewayErrorCode): number {
  switch (code) {
    case 'UNAUTHENTICATED':
      return 401;
    case 'PERMISSION_DENIED':
    case 'ROUTE_ACCESS_UNDECLARED':
      return 403;
    case 'MESSAGE_NOT_FOUND':
    case 'ERASURE_NOT_FOUND':
      return 404;
    case 'IDEMPOTENCY_REQUEST_IN_PROGRESS':
      return 409;
    case 'IDEMPOTENCY_KEY_REUSED':
      return 422;
    case 'UPSTREAM_FAILED':
      return 502;
    // Not configured is not a passing outage: 503 would tell the caller to retry in a moment.
    case 'INBOX_TOKENS_NOT_CONFIGURED':
      return 404;
    case 'BROKER_UNAVAILABLE':
    case 'SERVICE_UNAVAILABLE':
      return 503;
    default:
      return exhaustive(code);
  }
}

function exhaustive(code: never): never {
  throw new Error(`unmapped gateway error code ${String(code)}`);
}

/** An expected failure of the public API; the problem+json filter renders it with its status. */
export class GatewayError extends ProblemException {
  constructor(
    override readonly code: GatewayErrorCode,
    detail: string,
    extensions: Record<string, unknown> = {},
  ) {
    super(statusOf(code), code, detail, extensions);
  }
}
