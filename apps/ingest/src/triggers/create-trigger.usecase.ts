import type { CreateTriggerRequest, TriggerView } from '@switchboard/contracts';
import { IngestError } from '../ingest-error';
import { toTriggerView, TriggerStore } from './trigger';
import type { TriggerCache } from './trigger-cache';

export class CreateTrigger {
  constructor(
    private readonly store: TriggerStore,
    private readonly cache: TriggerCache,
  ) {}

  async execute(tenantId: string, request: CreateTriggerRequest): Promise<TriggerView> {
    const trigger = await this.store.create(tenantId, request);
    if (!trigger) {
      throw new IngestError(
        'TRIGGER_EXISTS',
        `the tenant already has a trigger for event type "${request.eventType}"`,
      );
    }
    this.cache.forget(tenantId);
    return toTriggerView(trigger);
  }
}
