import {
  BUILT_IN_MESSAGE_TYPE,
  BUILT_IN_MESSAGE_TYPE_KEY,
  type MessageTypeDefinition,
  type SendingSettings,
} from '@switchboard/contracts';
import { MessageTypeStore } from '../message-types/message-type';
import { defaultSendingSettings, SendingSettingsStore } from './sending-settings';

/**
 * What routing needs of one tenant: its settings (the defaults when it has stored none) and its
 * message types by key, the built-in `default` among them unless the tenant defined its own.
 * Shared by every batch while cached: read it, never change it.
 */
export interface TenantSendingPolicy {
  settings: SendingSettings;
  types: Map<string, MessageTypeDefinition>;
}

/** Told when a tenant's types or settings change, so that this replica stops using old ones. */
export interface SendingPolicyChanges {
  forget(tenantId: string): void;
}

export const DEFAULT_POLICY_CACHE_TTL_MS = 5000;

/**
 * Tenants' sending policies for a batch of messages: two queries for every tenant not cached,
 * whatever their number, then kept for a few seconds. Batches processed at the same time share
 * the load of a tenant they both miss. A write through this replica is seen at once; a write
 * through another replica once the entry expires.
 */
export class SendingPolicySource implements SendingPolicyChanges {
  private readonly entries = new Map<string, { policy: TenantSendingPolicy; expiresAt: number }>();
  private readonly loading = new Map<string, Promise<TenantSendingPolicy>>();
  // Bumped by forget: a load that began before a write must not put the old policy back.
  private readonly generations = new Map<string, number>();

  constructor(
    private readonly messageTypes: MessageTypeStore,
    private readonly settings: SendingSettingsStore,
    private readonly ttlMs = DEFAULT_POLICY_CACHE_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  async forTenants(tenantIds: readonly string[]): Promise<Map<string, TenantSendingPolicy>> {
    const now = this.now();
    const result = new Map<string, TenantSendingPolicy>();
    const waiting: Array<[string, Promise<TenantSendingPolicy>]> = [];
    const missing: string[] = [];
    for (const tenantId of new Set(tenantIds)) {
      const entry = this.entries.get(tenantId);
      const loading = this.loading.get(tenantId);
      if (entry && entry.expiresAt > now) result.set(tenantId, entry.policy);
      else if (loading) waiting.push([tenantId, loading]);
      else missing.push(tenantId);
    }
    if (missing.length > 0) {
      const loaded = this.load(missing);
      for (const tenantId of missing) {
        const policy = loaded.then((policies) => policies.get(tenantId) as TenantSendingPolicy);
        this.loading.set(tenantId, policy);
        waiting.push([tenantId, policy]);
      }
      void loaded.then(
        () => this.stopLoading(missing, waiting),
        () => this.stopLoading(missing, waiting),
      );
    }
    const policies = await Promise.all(waiting.map(([, policy]) => policy));
    waiting.forEach(([tenantId], index) => result.set(tenantId, policies[index]));
    return result;
  }

  /** Drops a tenant's entry, so that a change made through this replica applies at once. */
  forget(tenantId: string): void {
    this.entries.delete(tenantId);
    this.loading.delete(tenantId);
    this.generations.set(tenantId, this.generationOf(tenantId) + 1);
  }

  private async load(tenantIds: string[]): Promise<Map<string, TenantSendingPolicy>> {
    const generationsAtStart = new Map(tenantIds.map((tenantId) => [tenantId, this.generationOf(tenantId)]));
    const [types, settings] = await Promise.all([
      this.messageTypes.listForTenants(tenantIds),
      this.settings.listForTenants(tenantIds),
    ]);
    const policies = new Map<string, TenantSendingPolicy>(
      tenantIds.map((tenantId) => [
        tenantId,
        {
          settings: defaultSendingSettings(),
          types: new Map([[BUILT_IN_MESSAGE_TYPE_KEY, BUILT_IN_MESSAGE_TYPE]]),
        },
      ]),
    );
    for (const messageType of types) {
      policies.get(messageType.tenantId)?.types.set(messageType.key, messageType.definition);
    }
    for (const stored of settings) {
      const policy = policies.get(stored.tenantId);
      if (policy) policy.settings = stored.settings;
    }
    const expiresAt = this.now() + this.ttlMs;
    for (const [tenantId, policy] of policies) {
      if (this.generationOf(tenantId) === generationsAtStart.get(tenantId)) {
        this.entries.set(tenantId, { policy, expiresAt });
      }
    }
    return policies;
  }

  /** Ends the loads of these tenants, unless a write has already ended one and a newer load runs. */
  private stopLoading(
    tenantIds: string[],
    waiting: ReadonlyArray<[string, Promise<TenantSendingPolicy>]>,
  ): void {
    const started = new Map(waiting);
    for (const tenantId of tenantIds) {
      if (this.loading.get(tenantId) === started.get(tenantId)) this.loading.delete(tenantId);
    }
  }

  private generationOf(tenantId: string): number {
    return this.generations.get(tenantId) ?? 0;
  }
}
