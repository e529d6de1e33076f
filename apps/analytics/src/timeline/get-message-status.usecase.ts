import type { MessageStatusView } from '@switchboard/contracts';
import type { StoredMessage } from './timeline.repository';

export interface TimelineReader {
  findMessage(tenantId: string, messageId: string): Promise<StoredMessage | undefined>;
}

/** What happened to a message, as its tenant may see it; another tenant's message is not found. */
export class GetMessageStatusUsecase {
  constructor(private readonly timeline: TimelineReader) {}

  async execute(tenantId: string, messageId: string): Promise<MessageStatusView | undefined> {
    const message = await this.timeline.findMessage(tenantId, messageId);
    if (!message) return undefined;
    return { messageId, tenantId, status: message.status, timeline: message.timeline };
  }
}
