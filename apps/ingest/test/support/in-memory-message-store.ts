import type { MessageAccepted } from '@switchboard/contracts';
import type { IngestMessage } from '../../src/messages/ingest-message';
import { MessageStore } from '../../src/messages/message-store';

/** The message table's rules without a database, for use-case specs. */
export class InMemoryMessageStore extends MessageStore {
  readonly messages = new Map<string, IngestMessage>();

  async insertNew(messages: IngestMessage[]): Promise<Set<string>> {
    const inserted = new Set<string>();
    for (const candidate of messages) {
      const { message } = candidate;
      if (this.messages.has(message.messageId) || this.keyTaken(message)) continue;
      this.messages.set(message.messageId, candidate);
      inserted.add(message.messageId);
    }
    return inserted;
  }

  async findByIds(messageIds: string[]): Promise<MessageAccepted[]> {
    return messageIds.flatMap((id) => {
      const stored = this.messages.get(id);
      return stored ? [stored.message] : [];
    });
  }

  private keyTaken(message: MessageAccepted): boolean {
    if (message.idempotencyKey === undefined) return false;
    return [...this.messages.values()].some(
      ({ message: stored }) =>
        stored.tenantId === message.tenantId &&
        stored.source === message.source &&
        stored.idempotencyKey === message.idempotencyKey,
    );
  }
}
