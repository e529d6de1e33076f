import { GatewayError } from '../gateway-error';
import { bearerToken } from './api-key-credentials';
import { OperatorError } from './operator-error';
import type { OperatorKeys } from './operator-keys';

/** Resolves a tenant API key (AuthenticateApiKey); throws UNAUTHENTICATED otherwise. */
export interface TenantKeys {
  execute(authorization: string | undefined): Promise<unknown>;
}

/**
 * Lets `Authorization: Bearer <operator key>` through to the operator routes. A tenant's API key is
 * refused with 403 rather than 401, so that its holder learns the key is fine but the route is not
 * theirs; an operator key is never a tenant key (the tenant routes do not know it).
 */
export class AuthenticateOperator {
  constructor(
    private readonly operatorKeys: OperatorKeys,
    private readonly tenantKeys: TenantKeys,
  ) {}

  async execute(authorization: string | undefined): Promise<void> {
    if (!this.operatorKeys.configured) {
      throw new OperatorError(
        'OPERATOR_API_NOT_CONFIGURED',
        'the operator API is not configured on this gateway: set OPERATOR_API_KEYS to enable it',
      );
    }
    const key = bearerToken(authorization);
    if (!key)
      throw new GatewayError('UNAUTHENTICATED', 'send an operator key as "Authorization: Bearer <key>"');
    if (this.operatorKeys.matches(key)) return;
    if (await this.isTenantKey(authorization)) {
      throw new OperatorError(
        'OPERATOR_KEY_REQUIRED',
        "this route needs an operator key; a tenant's API key only reaches that tenant's routes",
      );
    }
    throw new GatewayError('UNAUTHENTICATED', 'the operator key is unknown');
  }

  private async isTenantKey(authorization: string | undefined): Promise<boolean> {
    try {
      await this.tenantKeys.execute(authorization);
      return true;
    } catch (error) {
      if (error instanceof GatewayError && error.code === 'UNAUTHENTICATED') return false;
      throw error;
    }
  }
}
