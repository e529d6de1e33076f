import type { MessageRequested, MessageStatusView } from '@switchboard/contracts';
import {
  type AcceptedMessage,
  AcceptedMessageLog,
  MessageRequestPublisher,
  MessageStatusSource,
} from '../../src/messages/message-ports';

/** Records each publish call; `failWith` makes the next calls reject. */
export class RecordingPublisher extends MessageRequestPublisher {
  readonly calls: MessageRequested[][] = [];
  failWith: Error | undefined;

  async publish(events: MessageRequested[]): Promise<void> {
    if (this.failWith) throw this.failWith;
    this.calls.push(events);
  }
}

export class InMemoryAcceptedMessageLog extends AcceptedMessageLog {
  readonly messages: AcceptedMessage[] = [];
  recordCalls = 0;
  failWith: Error | undefined;

  async record(messages: AcceptedMessage[]): Promise<void> {
    this.recordCalls += 1;
    if (this.failWith) throw this.failWith;
    this.messages.push(...messages);
  }

  async find(tenantId: string, messageId: string): Promise<AcceptedMessage | undefined> {
    return this.messages.find((message) => message.tenantId === tenantId && message.messageId === messageId);
  }
}

export class InMemoryMessageStatusSource extends MessageStatusSource {
  readonly views: MessageStatusView[] = [];

  async find(tenantId: string, messageId: string): Promise<MessageStatusView | undefined> {
    return this.views.find((view) => view.tenantId === tenantId && view.messageId === messageId);
  }
}
