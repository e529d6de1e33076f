import type { MessageTypeDefinition } from '@switchboard/contracts';
import { type MessageType, MessageTypeStore } from '../../src/message-types/message-type';

/** The message type table's rules without a database, for use-case specs. */
export class InMemoryMessageTypeStore extends MessageTypeStore {
  readonly messageTypes: MessageType[] = [];
  queries = 0;

  constructor(private readonly now: () => Date = () => new Date()) {
    super();
  }

  async create(
    tenantId: string,
    key: string,
    definition: MessageTypeDefinition,
  ): Promise<MessageType | undefined> {
    if (this.indexOf(tenantId, key) >= 0) return undefined;
    const messageType = { tenantId, key, definition, createdAt: this.now(), updatedAt: this.now() };
    this.messageTypes.push(messageType);
    return messageType;
  }

  async put(
    tenantId: string,
    key: string,
    definition: MessageTypeDefinition,
  ): Promise<{ messageType: MessageType; created: boolean }> {
    const index = this.indexOf(tenantId, key);
    if (index < 0) {
      const messageType = { tenantId, key, definition, createdAt: this.now(), updatedAt: this.now() };
      this.messageTypes.push(messageType);
      return { messageType, created: true };
    }
    const messageType = { ...this.messageTypes[index], definition, updatedAt: this.now() };
    this.messageTypes[index] = messageType;
    return { messageType, created: false };
  }

  async find(tenantId: string, key: string): Promise<MessageType | undefined> {
    return this.messageTypes[this.indexOf(tenantId, key)];
  }

  async listForTenants(tenantIds: readonly string[]): Promise<MessageType[]> {
    this.queries += 1;
    return this.messageTypes
      .filter((messageType) => tenantIds.includes(messageType.tenantId))
      .sort((left, right) => left.key.localeCompare(right.key));
  }

  private indexOf(tenantId: string, key: string): number {
    return this.messageTypes.findIndex(
      (messageType) => messageType.tenantId === tenantId && messageType.key === key,
    );
  }
}
