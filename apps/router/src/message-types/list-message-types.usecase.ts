import { BUILT_IN_MESSAGE_TYPE_KEY, type MessageTypeListView } from '@switchboard/contracts';
import { builtInMessageTypeView, MessageTypeStore, toMessageTypeView } from './message-type';

export class ListMessageTypes {
  constructor(private readonly store: MessageTypeStore) {}

  /** The tenant's types by key, with the built-in `default` unless the tenant defined its own. */
  async execute(tenantId: string): Promise<MessageTypeListView> {
    const messageTypes = (await this.store.listForTenants([tenantId])).map(toMessageTypeView);
    if (!messageTypes.some((messageType) => messageType.key === BUILT_IN_MESSAGE_TYPE_KEY)) {
      messageTypes.push(builtInMessageTypeView());
    }
    return { messageTypes: messageTypes.sort((left, right) => left.key.localeCompare(right.key)) };
  }
}
