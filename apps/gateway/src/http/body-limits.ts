import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { RawServerDefault } from 'fastify';

/** Route config flag (via @RouteConfig) for routes that take the larger batch body limit. */
export const LARGE_BODY_ROUTE = 'largeBody';

export interface BodyLimits {
  /** Every route but the flagged ones; larger bodies answer 413. */
  defaultBytes: number;
  /** Routes flagged LARGE_BODY_ROUTE: a batch of 1,000 messages does not fit the default. */
  largeBytes: number;
}

/**
 * JSON is the only body type; anything else answers 415. Must run before the app initialises:
 * it claims the parser slot Nest would otherwise fill with JSON and url-encoded parsers.
 */
export function installBodyLimits(app: NestFastifyApplication, limits: BodyLimits): void {
  const fastify = app.getHttpAdapter().getInstance();
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  app.useBodyParser<RawServerDefault>(
    'application/json',
    { bodyLimit: limits.defaultBytes },
    (request, body, done) => parseJson(request, body.toString(), done),
  );
  fastify.addHook('onRoute', (route) => {
    const config = route.config as Record<string, unknown> | undefined;
    route.bodyLimit = config?.[LARGE_BODY_ROUTE] === true ? limits.largeBytes : limits.defaultBytes;
  });
}
