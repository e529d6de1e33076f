import { BUILT_IN_MESSAGE_TYPE_KEY, type MessageTypeView } from '@switchboard/contracts';
import { builtInMessageTypeView, MessageTypeStore, toMessageTypeView } from './message-type';
import { MessageTypeError } from './message-type-error';

export class GetMessageType {
  constructor(private readonly store: MessageTypeStore) {}

  async execute(tenantId: string, key: string): Promise<MessageTypeView> {
    const messageType = await this.store.find(tenantId, key);
    if (messageType) return toMessageTypeView(messageType);
    if (key === BUILT_IN_MESSAGE_TYPE_KEY) return builtInMessageTypeView();
    throw new MessageTypeError('MESSAGE_TYPE_NOT_FOUND', `the tenant has no message type "${key}"`);
  }
}
