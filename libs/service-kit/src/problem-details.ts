import { randomUUID } from 'node:crypto';
import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import { ContractValidationError, type ValidationProblem } from '@switchboard/contracts';
import { isInfrastructureFault } from '@switchboard/faults';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Sent with every 503: a dependency that is down is usually back within seconds. */
export const RETRY_AFTER_SECONDS = 5;

/** An RFC 9457 problem document. `errors` names each bad field; `errorId` ties a 500 to its log line. */
export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: ValidationProblem[];
  errorId?: string;
  [extension: string]: unknown;
}

/** Thrown by handlers for an expected failure with a stable code (e.g. IDEMPOTENCY_KEY_REUSED). */
export class ProblemException extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(detail);
  }
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

export function problem(
  status: number,
  code: string,
  detail?: string,
  extra: Partial<ProblemDocument> = {},
): ProblemDocument {
  return {
    type: `https://switchboard.dev/problems/${code.toLowerCase().replace(/_/g, '-')}`,
    title: TITLES[status] ?? 'Error',
    status,
    ...(detail === undefined ? {} : { detail }),
    ...extra,
  };
}

/** Sends a problem document; a 503 also says when to retry, unless the thrower already did. */
export function sendProblem(reply: FastifyReply, document: ProblemDocument): void {
  if (document.status === HttpStatus.SERVICE_UNAVAILABLE && !reply.hasHeader('retry-after')) {
    void reply.header('retry-after', String(RETRY_AFTER_SECONDS));
  }
  void reply.status(document.status).header('content-type', PROBLEM_CONTENT_TYPE).send(document);
}

/**
 * Turns every error into problem+json. Bad input is never a 500: validation errors, body
 * parser errors (malformed JSON, too deep, a forbidden key, too large, wrong content type) and
 * HttpExceptions keep their meaning. A dependency that is unavailable (PostgreSQL, the broker,
 * the network) is a 503 with Retry-After, logged once as a warning. Anything else is a bug: a
 * 500 logged once with an error id that the caller also receives.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger(ProblemDetailsFilter.name);

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const request = http.getRequest<FastifyRequest>();
    sendProblem(reply, toProblem(error, request, this.logger));
  }
}

export function toProblem(error: unknown, request: FastifyRequest, logger: Logger): ProblemDocument {
  // The path only: a query may carry a credential (an inbox stream's access_token) or personal data.
  const instance = request.url.split('?', 1)[0];
  if (error instanceof ContractValidationError) {
    return problem(HttpStatus.BAD_REQUEST, 'VALIDATION_FAILED', `invalid ${error.subject}`, {
      instance,
      errors: error.problems,
    });
  }
  if (error instanceof ProblemException) {
    return problem(error.status, error.code, error.detail, {
      instance,
      code: error.code,
      ...error.extensions,
    });
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const response = error.getResponse();
    const detail =
      typeof response === 'string'
        ? response
        : ((response as { message?: unknown }).message ?? error.message);
    return problem(status, httpCode(status), Array.isArray(detail) ? detail.join('; ') : String(detail), {
      instance,
    });
  }
  const parserProblem = fromFastifyError(error, instance);
  if (parserProblem) return parserProblem;
  const route = `${request.method} ${request.routeOptions?.url ?? instance}`;
  if (isInfrastructureFault(error)) {
    logger.warn(`answered 503 to ${route}: a dependency is unavailable (${describeFault(error)})`);
    return problem(
      HttpStatus.SERVICE_UNAVAILABLE,
      'SERVICE_UNAVAILABLE',
      `a service this request needs is unavailable; retry in ${RETRY_AFTER_SECONDS} seconds`,
      { instance, code: 'SERVICE_UNAVAILABLE' },
    );
  }
  const errorId = randomUUID();
  logger.error(
    `unhandled error ${errorId} on ${route}`,
    error instanceof Error ? error.stack : String(error),
  );
  return problem(
    HttpStatus.INTERNAL_SERVER_ERROR,
    'INTERNAL_ERROR',
    `something went wrong; quote error id ${errorId}`,
    {
      instance,
      errorId,
    },
  );
}

// Fastify rejects some requests before Nest sees them: the body parser's errors carry codes.
function fromFastifyError(error: unknown, instance: string): ProblemDocument | undefined {
  const fastifyError = error as Partial<FastifyError>;
  switch (fastifyError?.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return problem(413, 'BODY_TOO_LARGE', 'the request body is larger than this endpoint accepts', {
        instance,
      });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return problem(415, 'UNSUPPORTED_MEDIA_TYPE', 'send the body as application/json', { instance });
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return problem(400, 'MALFORMED_JSON', 'the body is empty but the content type says JSON', { instance });
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return problem(400, 'INVALID_CONTENT_LENGTH', 'the content length does not match the body', {
        instance,
      });
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return problem(400, 'MALFORMED_JSON', 'the body is not valid JSON', { instance });
  }
  // Any other 4xx Fastify raises keeps its status and its own words: it is not about JSON.
  if (
    typeof fastifyError?.statusCode === 'number' &&
    fastifyError.statusCode >= 400 &&
    fastifyError.statusCode < 500
  ) {
    return problem(fastifyError.statusCode, httpCode(fastifyError.statusCode), fastifyError.message, {
      instance,
    });
  }
  return undefined;
}

// The name and first line are enough to tell which dependency; the stack is noise in an outage.
function describeFault(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `; cause: ${error.cause.message.split('\n')[0]}` : '';
  return `${error.name}: ${error.message.split('\n')[0]}${cause}`;
}

function httpCode(status: number): string {
  return (TITLES[status] ?? `HTTP ${status}`).toUpperCase().replace(/[^A-Z0-9]+/g, '_');
}
