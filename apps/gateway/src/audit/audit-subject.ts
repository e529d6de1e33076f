import { type AuditActor, PLATFORM_CHAIN, tenantChain } from './audit-entry';
import type { ActingRecipient } from './audit-context';
import { sha256Hex } from './audit-digest';
import type { ApiKeyPrincipal } from '../auth/principal';
import type { TokenRecipient } from '../auth/recipient-token.guard';
import type { RouteAccess } from '../auth/route-access';

/** What the guards may have set on a request; each is absent on routes it does not guard. */
export interface AuditedRequestFacts {
  principal?: Pick<ApiKeyPrincipal, 'keyId' | 'tenantId' | 'role'>;
  /** Set with the principal; alone when a request was authenticated without one. */
  tenantId?: string;
  tokenRecipient?: TokenRecipient;
  authorization?: string;
  routeAccess?: RouteAccess;
  actingRecipient?: ActingRecipient;
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;
const OPERATOR_FINGERPRINT_LENGTH = 16;

/** Who acted, and so which chain the entry belongs to: the tenant's, or the platform's. */
export function auditSubjectOf(facts: AuditedRequestFacts): { chain: string; actor: AuditActor } {
  if (facts.routeAccess?.kind === 'operator') {
    // Operator keys have no id: a short sha256 of the key tells operators apart without revealing it.
    const key = facts.authorization === undefined ? undefined : BEARER.exec(facts.authorization)?.[1];
    const id = key === undefined ? 'unknown' : sha256Hex(key).slice(0, OPERATOR_FINGERPRINT_LENGTH);
    return { chain: PLATFORM_CHAIN, actor: { type: 'operator', id } };
  }
  if (facts.principal !== undefined) {
    const { keyId, tenantId, role } = facts.principal;
    return { chain: tenantChain(tenantId), actor: { type: 'api-key', id: keyId, role } };
  }
  if (facts.tokenRecipient !== undefined) {
    const { tenantId, recipientId } = facts.tokenRecipient;
    return { chain: tenantChain(tenantId), actor: { type: 'recipient', id: recipientId } };
  }
  if (facts.actingRecipient !== undefined) {
    const recipient = facts.actingRecipient;
    const id = 'recipientId' in recipient ? recipient.recipientId : `sha256:${sha256Hex(recipient.address)}`;
    return { chain: tenantChain(recipient.tenantId), actor: { type: 'recipient', id } };
  }
  if (facts.tenantId !== undefined) {
    return { chain: tenantChain(facts.tenantId), actor: { type: 'api-key', id: null, role: null } };
  }
  return { chain: PLATFORM_CHAIN, actor: { type: 'anonymous' } };
}
