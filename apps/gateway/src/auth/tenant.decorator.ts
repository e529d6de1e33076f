import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { ApiKeyPrincipal, AuthenticatedRequest } from './principal';

/** The authenticated tenant of a route that requires an API key (RequirePermission). */
export const Tenant = createParamDecorator(
  (_data: unknown, context: ExecutionContext): string =>
    context.switchToHttp().getRequest<AuthenticatedRequest>().tenantId,
);

/** The API key calling a route that requires one: its tenant, role and permissions. */
export const CallingKey = createParamDecorator(
  (_data: unknown, context: ExecutionContext): ApiKeyPrincipal =>
    context.switchToHttp().getRequest<AuthenticatedRequest>().principal,
);
