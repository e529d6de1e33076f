import type { FastifyRequest } from 'fastify';
import type { Permission, Role } from './permissions';

/** Who is calling: an API key of one tenant, with what it may do. */
export interface ApiKeyPrincipal {
  keyId: string;
  tenantId: string;
  /** null for a key with an explicit scope list. */
  role: Role | null;
  permissions: ReadonlySet<Permission>;
}

/** A request the access guard let through with an API key; set before any handler runs. */
export interface AuthenticatedRequest extends FastifyRequest {
  tenantId: string;
  principal: ApiKeyPrincipal;
}
