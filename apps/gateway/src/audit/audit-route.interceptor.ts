import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Observable } from 'rxjs';
import { ROUTE_ACCESS, type RouteAccess } from '../auth/route-access';
import { recordRouteAccess } from './audit-context';

/**
 * Notes the route's declared access on the request for the audit entry (AuditRecorder writes it
 * later, outside Nest, where the handler's metadata cannot be read): an operator route records
 * its caller as an operator, in the platform's chain.
 */
@Injectable()
export class AuditRouteInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'http') {
      const access = this.reflector.getAllAndOverride<RouteAccess | undefined>(ROUTE_ACCESS, [
        context.getHandler(),
        context.getClass(),
      ]);
      recordRouteAccess(context.switchToHttp().getRequest<object>(), access);
    }
    return next.handle();
  }
}
