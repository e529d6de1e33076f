import type { TriggerListView } from '@switchboard/contracts';
import { toTriggerView, TriggerStore } from './trigger';

export class ListTriggers {
  constructor(private readonly store: TriggerStore) {}

  async execute(tenantId: string): Promise<TriggerListView> {
    const triggers = await this.store.listForTenants([tenantId]);
    return {
      triggers: triggers
        .sort((left, right) => left.eventType.localeCompare(right.eventType))
        .map(toTriggerView),
    };
  }
}
