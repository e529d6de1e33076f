import { HeaderName, TenantId, validate } from '@switchboard/contracts';

/**
 * Larger parked values are not read for a tenant, so that storing a batch of dead letters costs a
 * bounded parse per record whatever was parked; such a letter is left to the operators.
 */
export const MAX_OWNER_SCAN_BYTES = 256 * 1024;

// An upstream envelope names its tenant `tenant`; Switchboard's own payloads name it `tenantId`.
const TENANT_FIELDS = ['tenant', 'tenantId'] as const;

// Ingest's reason for an upstream event naming a tenant its topic is not bound to.
const TENANT_NOT_ALLOWED = 'tenant-not-allowed';

/**
 * The tenant a dead letter belongs to: its tenant header, or else the one its value names, or null
 * (then only operators see it). Nothing else in the value is read or trusted. An event refused for
 * naming a tenant its topic may not carry belongs to nobody: showing it to the tenant it named would
 * hand an impersonator's payload to its victim.
 */
export function ownerOfDeadLetter(headers: Record<string, string>, value: Buffer | null): string | null {
  if (headers[HeaderName.error]?.startsWith(TENANT_NOT_ALLOWED)) return null;
  const header = headers[HeaderName.tenant];
  if (header !== undefined && isTenantId(header)) return header;
  return tenantNamedIn(value);
}

function tenantNamedIn(value: Buffer | null): string | null {
  if (value === null || value.length === 0 || value.length > MAX_OWNER_SCAN_BYTES) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value.toString('utf8'));
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
  const named = new Set<string>();
  for (const field of TENANT_FIELDS) {
    const candidate: unknown = (parsed as Record<string, unknown>)[field];
    if (typeof candidate === 'string' && isTenantId(candidate)) named.add(candidate);
  }
  // Two different tenants in one value: neither can be told the owner.
  return named.size === 1 ? [...named][0] : null;
}

function isTenantId(text: string): boolean {
  return validate(TenantId, text).ok;
}
