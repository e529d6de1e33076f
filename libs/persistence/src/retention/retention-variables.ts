import { env } from '@switchboard/config';
import { z } from 'zod';

const TENANT_PERIOD = /^([a-zA-Z0-9_-]{1,64})=(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;
const MILLISECONDS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `acme=30d,beta=365d`: each tenant's retention period over the default; a tenant named twice is refused. */
const tenantPeriods: z.ZodType<ReadonlyMap<string, number>> = z
  .string()
  .optional()
  .transform((text, context) => {
    const periods = new Map<string, number>();
    for (const entry of (text ?? '').split(',').map((part) => part.trim())) {
      if (entry === '') continue;
      const match = TENANT_PERIOD.exec(entry);
      if (!match) {
        context.addIssue({
          code: 'custom',
          message: `"${entry.slice(0, 80)}" must be tenant=period, e.g. acme=30d (units ms, s, m, h, d)`,
        });
        return z.NEVER;
      }
      const [, tenantId, amount, unit] = match;
      if (periods.has(tenantId)) {
        context.addIssue({ code: 'custom', message: `tenant ${tenantId} is named twice` });
        return z.NEVER;
      }
      periods.set(tenantId, Math.round(Number(amount) * MILLISECONDS[unit]));
    }
    return periods;
  }) as unknown as z.ZodType<ReadonlyMap<string, number>>;

/**
 * Retention of message content and timelines, read by every service that keeps them (spread into
 * an app's config spec), so each purges its own tables on the same rule.
 */
export const retentionVariables = {
  RETENTION_PERIOD: {
    schema: env.duration('90d'),
    description:
      'How long message content and timelines are kept (messages, routing decisions, delivery events, inbox items) unless the tenant has its own period',
    sensitive: false,
  },
  RETENTION_PERIOD_BY_TENANT: {
    schema: tenantPeriods,
    description:
      'Retention periods of tenants that differ from RETENTION_PERIOD, tenant=period comma-separated (e.g. acme=30d,beta=365d); the same value on every service',
    sensitive: false,
    example: 'acme=30d,beta=365d',
  },
  RETENTION_SWEEP_INTERVAL: {
    schema: env.duration('1h'),
    description: 'How often each service deletes what is older than its retention period, in bounded batches',
    sensitive: false,
  },
};
