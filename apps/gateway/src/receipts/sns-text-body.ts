import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { errorCodes } from 'fastify';

/** Route config flag (via @RouteConfig) for the routes that SNS POSTs to. */
export const SNS_TEXT_BODY_ROUTE = 'snsTextBody';

/**
 * SNS POSTs its JSON as text/plain, so the flagged routes take text/plain as the raw text (the
 * verifier parses it). Every other route still answers 415 to text/plain, as run-service intends.
 */
export function acceptSnsTextBodies(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addContentTypeParser('text/plain', { parseAs: 'string' }, (request, body, done) => {
    const config = request.routeOptions.config as unknown as Record<string, unknown> | undefined;
    if (config?.[SNS_TEXT_BODY_ROUTE] !== true) {
      done(new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE('text/plain'), undefined);
      return;
    }
    done(null, body);
  });
}
