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
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

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

export function sendProblem(reply: FastifyReply, document: ProblemDocument): void {
  void reply.status(document.status).header('content-type', PROBLEM_CONTENT_TYPE).send(document);
}

/**
 * Turns every error into problem+json. Bad input is never a 500: validation errors, body
 * parser errors (malformed JSON, too large, wrong content type) and HttpExceptions keep their
 * meaning; anything else is logged once with an error id that the caller also receives.
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
  const instance = request.url;
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
  const errorId = randomUUID();
  logger.error(
    `unhandled error ${errorId} on ${request.method} ${request.routeOptions?.url ?? instance}`,
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
  }
  if (error instanceof SyntaxError || fastifyError?.statusCode === 400) {
    return problem(
      400,
      'MALFORMED_JSON',
      `the body is not valid JSON: ${fastifyError?.message ?? ''}`.trim(),
      { instance },
    );
  }
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

function httpCode(status: number): string {
  return (TITLES[status] ?? `HTTP ${status}`).toUpperCase().replace(/[^A-Z0-9]+/g, '_');
}
