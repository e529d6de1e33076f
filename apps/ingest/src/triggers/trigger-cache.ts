import { type Trigger, TriggerStore } from './trigger';

/** A tenant's triggers by event type. */
export type TenantTriggers = ReadonlyMap<string, Trigger>;

export const DEFAULT_TRIGGER_CACHE_TTL_MS = 5000;

/**
 * Triggers per tenant, kept for a few seconds so an event batch costs at most one query.
 * A trigger created on another replica is seen here once the entry expires.
 */
export class TriggerCache {
  private readonly entries = new Map<string, { triggers: TenantTriggers; expiresAt: number }>();

  constructor(
    private readonly store: TriggerStore,
    private readonly ttlMs = DEFAULT_TRIGGER_CACHE_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  async triggersFor(tenantIds: string[]): Promise<Map<string, TenantTriggers>> {
    const now = this.now();
    const result = new Map<string, TenantTriggers>();
    const missing: string[] = [];
    for (const tenantId of new Set(tenantIds)) {
      const entry = this.entries.get(tenantId);
      if (entry && entry.expiresAt > now) result.set(tenantId, entry.triggers);
      else missing.push(tenantId);
    }
    if (missing.length === 0) return result;

    const loaded = await this.store.listForTenants(missing);
    const expiresAt = now + this.ttlMs;
    for (const tenantId of missing) {
      const triggers = new Map(
        loaded
          .filter((trigger) => trigger.tenantId === tenantId)
          .map((trigger) => [trigger.eventType, trigger]),
      );
      this.entries.set(tenantId, { triggers, expiresAt });
      result.set(tenantId, triggers);
    }
    return result;
  }

  /** Drops a tenant's entry, so a trigger created through this replica applies at once. */
  forget(tenantId: string): void {
    this.entries.delete(tenantId);
  }
}
