import { canonicalJson, sha256Hex } from './audit-digest';

// Route parameters that may carry personal data or a credential: an address, a phone number, a
// signed link's token. Their values are kept only as a sha256, which still finds the entries
// about a known address (export, erasure) without showing it to whoever reads the log.
const SENSITIVE_NAME = /address|email|phone|number|token|^\*$/i;
const LOOKS_PERSONAL = /@|^\+?[\d\s().-]{7,}$/;

/** Canonical JSON of a route's parameters, personal data hashed; `{}` for a route without any. */
export function auditTarget(params: unknown): string {
  if (params === null || typeof params !== 'object') return '{}';
  const target: Record<string, string> = {};
  for (const [name, value] of Object.entries(params as Record<string, unknown>)) {
    const text = typeof value === 'string' ? value : String(value);
    target[name] =
      SENSITIVE_NAME.test(name) || LOOKS_PERSONAL.test(text) ? `sha256:${sha256Hex(text)}` : text;
  }
  return canonicalJson(target);
}

/** `POST /v1/recipients/:recipientId/inbox-token` → `POST /v1/recipients/{recipientId}/inbox-token`. */
export function auditAction(method: string, routePattern: string): string {
  return `${method} ${routePattern.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`;
}
