import type { MessageTypeView, PutMessageTypeRequest } from '@switchboard/contracts';
import type { SendingPolicyChanges } from '../sending-settings/sending-policy-source';
import { MessageTypeStore, toMessageTypeView } from './message-type';

/** Creates the type or replaces its whole definition; a tenant's own `default` replaces the built-in one. */
export class PutMessageType {
  constructor(
    private readonly store: MessageTypeStore,
    private readonly changes: SendingPolicyChanges,
  ) {}

  async execute(
    tenantId: string,
    key: string,
    definition: PutMessageTypeRequest,
  ): Promise<{ messageType: MessageTypeView; created: boolean }> {
    const { messageType, created } = await this.store.put(tenantId, key, definition);
    this.changes.forget(tenantId);
    return { messageType: toMessageTypeView(messageType), created };
  }
}
