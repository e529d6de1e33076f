import type { CreateTriggerRequest } from '@switchboard/contracts';
import { type Trigger, TriggerStore } from '../../src/triggers/trigger';

/** The trigger table's rules without a database, for use-case specs. */
export class InMemoryTriggerStore extends TriggerStore {
  readonly triggers: Trigger[] = [];
  queries = 0;

  constructor(private readonly now: () => Date = () => new Date()) {
    super();
  }

  async create(tenantId: string, request: CreateTriggerRequest): Promise<Trigger | undefined> {
    if (
      this.triggers.some(
        (trigger) => trigger.tenantId === tenantId && trigger.eventType === request.eventType,
      )
    ) {
      return undefined;
    }
    const { messageType, ...rest } = request;
    const trigger = { tenantId, ...rest, messageType: messageType ?? null, createdAt: this.now() };
    this.triggers.push(trigger);
    return trigger;
  }

  async listForTenants(tenantIds: string[]): Promise<Trigger[]> {
    this.queries += 1;
    return this.triggers.filter((trigger) => tenantIds.includes(trigger.tenantId));
  }
}
