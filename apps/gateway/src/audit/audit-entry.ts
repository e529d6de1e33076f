/**
 * Who made a change. An API key (its id and role; both null when the request carried no
 * principal, e.g. before the access guard set one), a platform operator (a fingerprint of the
 * operator key), an end user through a signed link or recipient token, or nobody known.
 */
export type AuditActor =
  | { type: 'api-key'; id: string | null; role: string | null }
  | { type: 'operator'; id: string }
  | { type: 'recipient'; id: string | null }
  | { type: 'anonymous' };

export type AuditActorType = AuditActor['type'];

/** The platform operators' chain; each tenant has its own (tenantChain). */
export const PLATFORM_CHAIN = 'platform';

export function tenantChain(tenantId: string): string {
  return `tenant:${tenantId}`;
}

/** What the gateway knows of a request when it records it; the database adds the rest. */
export interface AuditEntryDraft {
  id: string;
  chain: string;
  actor: AuditActor;
  /** Method and route pattern, e.g. `PUT /v1/message-types/{key}`. */
  action: string;
  /** Canonical JSON of the route parameters, personal data hashed (auditTarget). */
  target: string;
  status: number;
  requestId: string;
  clientAddress: string | null;
  bodyDigest: string | null;
  beforeDigest: string | null;
}

/** An entry as stored, with everything its hash covers. */
export interface AuditEntry extends Omit<AuditEntryDraft, 'actor'> {
  sequence: number;
  /** ISO 8601 in UTC with microseconds: the exact text the hash covers. */
  recordedAt: string;
  actorType: AuditActorType;
  actorId: string | null;
  actorRole: string | null;
  previousHash: string | null;
  hash: string;
}
