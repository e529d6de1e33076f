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
 * whatever their number, then kept for a few seconds. A write through this replica is seen at
 * once; a write through another replica once the entry expires.
 */
export class SendingPolicySource implements SendingPolicyChanges {
  private readonly entries = new Map<string, { policy: TenantSendingPolicy; expiresAt: number }>();
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
    const missing: string[] = [];
    for (const tenantId of new Set(tenantIds)) {
      const entry = this.entries.get(tenantId);
      if (entry && entry.expiresAt > now) result.set(tenantId, entry.policy);
      else missing.push(tenantId);
    }
    if (missing.length === 0) return result;

    const generationsAtStart = new Map(missing.map((tenantId) => [tenantId, this.generationOf(tenantId)]));
    const [types, settings] = await Promise.all([
      this.messageTypes.listForTenants(missing),
      this.settings.listForTenants(missing),
    ]);
    const policies = new Map<string, TenantSendingPolicy>(
      missing.map((tenantId) => [
        tenantId,
        {
          settings: defaultSendingSettings(),
          types: new Map([[BUILT_IN_MESSAGE_TYPE_KEY, BUILT_IN_MESSAGE_TYPE]]),
        },
      ]),
    );
    for (const messageType of types)
      policies.get(messageType.tenantId)?.types.set(messageType.key, messageType.definition);
    for (const stored of settings) {
      const policy = policies.get(stored.tenantId);
      if (policy) policy.settings = stored.settings;
    }

    const expiresAt = this.now() + this.ttlMs;
    for (const [tenantId, policy] of policies) {
      if (this.generationOf(tenantId) === generationsAtStart.get(tenantId)) {
        this.entries.set(tenantId, { policy, expiresAt });
      }
      result.set(tenantId, policy);
    }
    return result;
  }

  /** Drops a tenant's entry, so that a change made through this replica applies at once. */
  forget(tenantId: string): void {
    this.entries.delete(tenantId);
    this.generations.set(tenantId, this.generationOf(tenantId) + 1);
  }

  private generationOf(tenantId: string): number {
    return this.generations.get(tenantId) ?? 0;
  }
}

/**
 * The type a message is sent as: the one it names, else the tenant's default type, else the
 * built-in one. Undefined when the named type does not exist (the router skips the message with
 * rule `unknown-message-type`).
 */
export function messageTypeOf(
  policy: TenantSendingPolicy,
  requestedKey: string | undefined,
): { key: string; definition: MessageTypeDefinition } | undefined {
  const key = requestedKey ?? policy.settings.defaultMessageType ?? BUILT_IN_MESSAGE_TYPE_KEY;
  const definition = policy.types.get(key);
  return definition ? { key, definition } : undefined;
}
