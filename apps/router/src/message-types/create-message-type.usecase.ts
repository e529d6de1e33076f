import type { CreateMessageTypeRequest, MessageTypeView } from '@switchboard/contracts';
import type { SendingPolicyChanges } from '../sending-settings/sending-policy-source';
import { MessageTypeStore, toMessageTypeView } from './message-type';
import { MessageTypeError } from './message-type-error';

export class CreateMessageType {
  constructor(
    private readonly store: MessageTypeStore,
    private readonly changes: SendingPolicyChanges,
  ) {}

  async execute(tenantId: string, request: CreateMessageTypeRequest): Promise<MessageTypeView> {
    const { key, ...definition } = request;
    const messageType = await this.store.create(tenantId, key, definition);
    if (!messageType) {
      throw new MessageTypeError('MESSAGE_TYPE_EXISTS', `the tenant already has a message type "${key}"`);
    }
    this.changes.forget(tenantId);
    return toMessageTypeView(messageType);
  }
}
