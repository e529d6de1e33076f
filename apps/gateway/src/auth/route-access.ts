import { applyDecorators, SetMetadata, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiExtension, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { OperatorKeyGuard } from './operator-key.guard';
import type { Permission } from './permissions';
import { RecipientTokenGuard } from './recipient-token.guard';

/**
 * Who may call a gateway route, declared next to its handler and enforced by the access guard
 * (AccessGuard) and, for operators and recipients, the guard the declaration itself attaches, so
 * that declaring and enforcing cannot drift apart. The declaration is also published in the
 * OpenAPI document (`x-access`), so that the route × role test walks the API as served.
 */
export type RouteAccess =
  { kind: 'api-key'; permission: Permission } | { kind: 'operator' } | { kind: 'recipient-token' };

export const ROUTE_ACCESS = 'switchboard:route-access';

export const OPENAPI_ACCESS_EXTENSION = 'x-access';

/** An API key holding this permission (by its role or its scope list). */
export const RequirePermission = (permission: Permission) =>
  applyDecorators(
    declareAccess({ kind: 'api-key', permission }),
    ApiBearerAuth(),
    ApiForbiddenResponse({ description: `The API key lacks the permission ${permission}` }),
  );

/** A platform operator key (OPERATOR_API_KEYS); no tenant. */
export const RequireOperator = () =>
  applyDecorators(
    declareAccess({ kind: 'operator' }),
    UseGuards(OperatorKeyGuard),
    ApiBearerAuth('operator'),
    ApiForbiddenResponse({ description: "A tenant's API key: this route needs an operator key" }),
  );

/** A recipient's own signed token (POST /v1/recipients/{id}/inbox-token), never an API key. */
export const RequireRecipientToken = () =>
  applyDecorators(
    declareAccess({ kind: 'recipient-token' }),
    UseGuards(RecipientTokenGuard),
    ApiBearerAuth(),
  );

function declareAccess(access: RouteAccess) {
  return applyDecorators(
    SetMetadata(ROUTE_ACCESS, access),
    ApiExtension(OPENAPI_ACCESS_EXTENSION, access),
    ApiUnauthorizedResponse({ description: 'No credential, or one that is unknown, revoked or expired' }),
  );
}
