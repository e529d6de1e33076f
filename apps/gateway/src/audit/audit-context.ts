import type { RouteAccess } from '../auth/route-access';

/** What a handler or the audit interceptor adds to a request's audit entry. */
interface AuditContext {
  routeAccess?: RouteAccess;
  /** null: the target did not exist before the change. */
  beforeState?: unknown;
  actingRecipient?: ActingRecipient;
}

/** The end user behind a signed link: a recipient id, or only an address (hashed when recorded). */
export type ActingRecipient = { tenantId: string } & ({ recipientId: string } | { address: string });

// Keyed by the request object itself: nothing to clean up, nothing added to Fastify's types.
const contexts = new WeakMap<object, AuditContext>();

function contextOf(request: object): AuditContext {
  let context = contexts.get(request);
  if (context === undefined) {
    context = {};
    contexts.set(request, context);
  }
  return context;
}

/**
 * For a handler that can read its target before changing it: the entry then carries a digest of
 * that state beside the digest of the body. Pass null when the target did not exist yet.
 */
export function recordBeforeState(request: object, state: unknown): void {
  contextOf(request).beforeState = state;
}

/** For a public route authenticated by a signed link: who the link speaks for, and the tenant's chain. */
export function recordActingRecipient(request: object, recipient: ActingRecipient): void {
  contextOf(request).actingRecipient = recipient;
}

export function recordRouteAccess(request: object, access: RouteAccess | undefined): void {
  if (access !== undefined) contextOf(request).routeAccess = access;
}

export function auditContextOf(request: object): Readonly<AuditContext> {
  return contexts.get(request) ?? {};
}
