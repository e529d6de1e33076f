import { applyDecorators, type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';
import { ApiExtension } from '@nestjs/swagger';

/**
 * Every route of every service declares who may call it. A route with no declaration is denied
 * by the service's access guard, so forgetting one fails closed. This marker declares the routes
 * anyone may call (health probes, pages authenticated by a signed link, provider callbacks that
 * carry their own signature); the reason is for the reader and the generated route × role test.
 */
export const PUBLIC_ROUTE = 'switchboard:public-route';

/** Published in the OpenAPI document as `x-access: { kind: 'public', reason }`. */
export const PublicRoute = (reason: string) =>
  applyDecorators(SetMetadata(PUBLIC_ROUTE, reason), ApiExtension('x-access', { kind: 'public', reason }));

/** The declared reason when the route (or its controller) is public, else undefined. */
export function publicRouteReason(reflector: Reflector, context: ExecutionContext): string | undefined {
  return reflector.getAllAndOverride<string | undefined>(PUBLIC_ROUTE, [
    context.getHandler(),
    context.getClass(),
  ]);
}
