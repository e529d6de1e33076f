import { TenantId, validate } from '@switchboard/contracts';
import { z } from 'zod';

/** An upstream topic and the tenants whose events it may carry ('any' only when written `*`). */
export interface UpstreamTopicBinding {
  topic: string;
  tenants: ReadonlySet<string> | 'any';
}

/** Every upstream topic ingest reads, by name. */
export type UpstreamTopicBindings = ReadonlyMap<string, UpstreamTopicBinding>;

export const ANY_TENANT = '*';

/** What a topic binding is written as, for error messages and the README. */
export const BINDING_FORMAT = 'topic:tenant|tenant (or topic:* for any tenant)';

// Kafka's own rule for topic names.
const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

/**
 * One entry of INGEST_UPSTREAM_TOPICS: `orders.v1:acme|acme-eu`, or `orders.v1:*` where one
 * installation serves one tenant. A topic without tenants is refused rather than read as "any":
 * leaving the binding out must never open a topic to every tenant.
 */
export const UpstreamTopicBindingEntry: z.ZodType<UpstreamTopicBinding, string> = z
  .string()
  .transform((entry, context) => {
    const separator = entry.indexOf(':');
    const topic = (separator < 0 ? entry : entry.slice(0, separator)).trim();
    const problem = (message: string) => {
      context.addIssue({ code: 'custom', message });
      return z.NEVER;
    };
    if (!TOPIC_NAME.test(topic)) {
      return problem(`"${topic}" is not a topic name (letters, digits, ., _ or -, at most 249)`);
    }
    const tenantList = separator < 0 ? '' : entry.slice(separator + 1).trim();
    if (tenantList === '') {
      return problem(
        `${topic} names no tenants: write ${topic}:<tenant>|<tenant>, or ${topic}:* for any tenant`,
      );
    }
    const tenants = tenantList.split('|').map((tenant) => tenant.trim());
    if (tenants.includes(ANY_TENANT)) {
      return tenants.length === 1
        ? { topic, tenants: 'any' as const }
        : problem(`${topic}: * (any tenant) cannot be listed with other tenants`);
    }
    for (const tenant of tenants) {
      const checked = validate(TenantId, tenant);
      if (!checked.ok) {
        return problem(`${topic}: "${tenant}" is not a tenant id (${checked.problems[0].problem})`);
      }
    }
    return { topic, tenants: new Set(tenants) };
  });

/** The bindings of a list of entries by topic; a topic bound twice is refused, naming it. */
export function bindingsByTopic(
  entries: readonly UpstreamTopicBinding[],
  context: z.RefinementCtx,
): UpstreamTopicBindings {
  const bindings = new Map<string, UpstreamTopicBinding>();
  for (const binding of entries) {
    if (bindings.has(binding.topic)) {
      context.addIssue({
        code: 'custom',
        message: `${binding.topic} is listed twice: list all its tenants in one entry (${BINDING_FORMAT})`,
      });
    }
    bindings.set(binding.topic, binding);
  }
  return bindings;
}

export type TenantCheck = { allowed: true } | { allowed: false; reason: string };

/** Reason a dead letter of an event for a tenant its topic does not carry gives first. */
export const TENANT_NOT_ALLOWED = 'tenant-not-allowed';

/**
 * Whether an event read from `topic` may speak for `tenant`. The tenant is the event's own claim:
 * only the topic it came from, bound in configuration, says whether the claim can be believed.
 */
export function checkUpstreamTenant(
  bindings: UpstreamTopicBindings,
  topic: string,
  tenant: string,
): TenantCheck {
  const binding = bindings.get(topic);
  if (binding && (binding.tenants === 'any' || binding.tenants.has(tenant))) return { allowed: true };
  return {
    allowed: false,
    reason: `${TENANT_NOT_ALLOWED}: ${topic} does not carry events of tenant ${tenant} (INGEST_UPSTREAM_TOPICS)`,
  };
}
