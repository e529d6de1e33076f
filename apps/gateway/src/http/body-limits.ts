import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { BATCH_BODY_ROUTE } from '@switchboard/service-kit';

export interface BodyLimits {
  /** Every route but the flagged ones; larger bodies answer 413. */
  defaultBytes: number;
  /** Routes flagged BATCH_BODY_ROUTE: a batch of 1,000 messages does not fit the default. */
  largeBytes: number;
}

/**
 * Per-route body limits. Bodies are parsed and checked by service-kit's one JSON parser (which
 * runService installs; any other body type answers 415). A route flagged BATCH_BODY_ROUTE (via
 * @RouteConfig) takes a batch: the larger limit, and the parser leaves the text and depth of each
 * item to the route, which rejects a bad item alone. Must run before the app initialises, when the routes are added.
 */
export function installBodyLimits(app: NestFastifyApplication, limits: BodyLimits): void {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRoute', (route) => {
    const config = route.config as Record<string, unknown> | undefined;
    route.bodyLimit = config?.[BATCH_BODY_ROUTE] === true ? limits.largeBytes : limits.defaultBytes;
  });
}
