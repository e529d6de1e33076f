import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiExtension, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { Permission } from './permissions';

/**
 * Who may call a gateway route, declared next to its handler and enforced by the one access
 * guard. The declaration is also published in the OpenAPI document (`x-access`), so that the
 * route × role test walks the API as served.
 */
export type RouteAccess =
  | { kind: 'api-key'; permission: Permission }
  | { kind: 'operator' }
  | { kind: 'recipient-token' };

export const ROUTE_ACCESS = 'switchboard:route-access';

export const OPENAPI_ACCESS_EXTENSION = 'x-access';

/** An API key holding this permission (by its role or its scope list). */
export const RequirePermission = (permission: Permission) =>
  declareAccess({ kind: 'api-key', permission }, 'default');

/** A platform operator key (OPERATOR_API_KEYS); no tenant. */
export const RequireOperator = () => declareAccess({ kind: 'operator' }, 'operator');

/** A recipient's own signed token (inbox and preference centre). */
export const RequireRecipientToken = () => declareAccess({ kind: 'recipient-token' }, 'default');

function declareAccess(access: RouteAccess, bearerScheme: 'default' | 'operator') {
  return applyDecorators(
    SetMetadata(ROUTE_ACCESS, access),
    ApiExtension(OPENAPI_ACCESS_EXTENSION, access),
    bearerScheme === 'operator' ? ApiBearerAuth('operator') : ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: 'No credential, or one that is unknown, revoked or expired' }),
    ApiForbiddenResponse({ description: 'The credential lacks the permission this route names' }),
  );
}
