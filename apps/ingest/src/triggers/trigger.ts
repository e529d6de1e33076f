import type { CreateTriggerRequest, TriggerView } from '@switchboard/contracts';

/** Upstream events of this type, for this tenant, become messages rendered with this template. */
export interface Trigger {
  tenantId: string;
  eventType: string;
  templateKey: string;
  channel: 'email';
  /** The type of the messages made; null: the tenant's default type. */
  messageType: string | null;
  createdAt: Date;
}

/** Ingest's table of triggers. */
export abstract class TriggerStore {
  /** Stores the trigger, or returns undefined when the tenant has one for that event type. */
  abstract create(tenantId: string, request: CreateTriggerRequest): Promise<Trigger | undefined>;

  /** Every trigger of these tenants. */
  abstract listForTenants(tenantIds: string[]): Promise<Trigger[]>;
}

export function toTriggerView(trigger: Trigger): TriggerView {
  return {
    eventType: trigger.eventType,
    templateKey: trigger.templateKey,
    channel: trigger.channel,
    ...(trigger.messageType === null ? {} : { messageType: trigger.messageType }),
    createdAt: trigger.createdAt.toISOString(),
  };
}
