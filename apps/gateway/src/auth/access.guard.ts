import { type CanActivate, type ExecutionContext, Injectable, Optional } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { publicRouteReason } from '@switchboard/service-kit';
import type { FastifyReply } from 'fastify';
import { GatewayError } from '../gateway-error';
import { AuthenticateApiKey } from './authenticate-api-key.usecase';
import type { AuthenticatedRequest } from './principal';
import { RequestLimits } from './request-limits';
import { ROUTE_ACCESS, type RouteAccess } from './route-access';

/**
 * The gateway's one access guard, for every route: a public route passes; an API-key route needs
 * a key holding the route's permission (403 naming it otherwise), then the key's and tenant's
 * request limits; operator and recipient-token routes are checked by the guard their declaration
 * attaches. A route that declares nothing is closed: forgetting a declaration fails safe.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticate: AuthenticateApiKey,
    @Optional() private readonly limits?: RequestLimits,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (publicRouteReason(this.reflector, context) !== undefined) return true;
    const access = this.reflector.getAllAndOverride<RouteAccess | undefined>(ROUTE_ACCESS, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (access === undefined) {
      throw new GatewayError(
        'ROUTE_ACCESS_UNDECLARED',
        'this route declares no access rule, so it is closed',
      );
    }
    if (access.kind !== 'api-key') return true;

    const http = context.switchToHttp();
    const request = http.getRequest<AuthenticatedRequest>();
    const reply = http.getResponse<FastifyReply>();
    try {
      request.principal = await this.authenticate.execute(request.headers.authorization);
    } catch (error) {
      // RFC 9110: a 401 names the scheme the client should use.
      void reply.header('www-authenticate', 'Bearer');
      throw error;
    }
    request.tenantId = request.principal.tenantId;
    if (!request.principal.permissions.has(access.permission)) {
      throw new GatewayError(
        'PERMISSION_DENIED',
        `this API key lacks the permission "${access.permission}" that this route needs`,
        { missingPermission: access.permission },
      );
    }
    await this.limits?.admit(request.principal, reply);
    return true;
  }
}
