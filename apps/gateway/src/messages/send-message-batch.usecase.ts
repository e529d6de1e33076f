import { randomUUID } from 'node:crypto';
import type { BatchItemResult, SendMessageBatchResponse } from '@switchboard/contracts';
import { buildMessageRequested } from './build-message-requested';
import { AcceptedMessageLog, MessageRequestPublisher } from './message-ports';
import { partitionBatch } from './partition-batch';

export interface SendMessageBatchCommand {
  tenantId: string;
  /** Raw items: each is validated on its own. */
  items: readonly unknown[];
}

export interface SendMessageBatchOutcome {
  /** 202 when every item was accepted, 207 (multi-status) otherwise. */
  status: 202 | 207;
  body: SendMessageBatchResponse;
}

/**
 * Accepts the valid items of a batch in one durable publish and one bulk insert, and reports
 * every item: accepted with its message id, or rejected with the fields that are wrong.
 */
export class SendMessageBatch {
  constructor(
    private readonly publisher: MessageRequestPublisher,
    private readonly acceptedMessages: AcceptedMessageLog,
    private readonly now: () => Date = () => new Date(),
    private readonly newMessageId: () => string = randomUUID,
  ) {}

  async execute(command: SendMessageBatchCommand): Promise<SendMessageBatchOutcome> {
    const { valid, rejected } = partitionBatch(command.items);
    const acceptedAt = this.now();
    const accepted = valid.map((item) => ({
      index: item.index,
      request: item.request,
      messageId: this.newMessageId(),
    }));

    if (accepted.length > 0) {
      // Recorded before they are published, as SendMessage does: a 202 or 207 is found at once.
      this.publisher.ensureAvailable();
      await this.acceptedMessages.record(
        accepted.map((item) => ({ messageId: item.messageId, tenantId: command.tenantId, acceptedAt })),
      );
      await this.publisher.publish(
        accepted.map((item) =>
          buildMessageRequested(item.request, {
            tenantId: command.tenantId,
            messageId: item.messageId,
            acceptedAt,
          }),
        ),
      );
    }

    const results: BatchItemResult[] = [
      ...accepted.map((item) => ({
        index: item.index,
        status: 'accepted' as const,
        messageId: item.messageId,
      })),
      ...rejected.map((item) => ({
        index: item.index,
        status: 'rejected' as const,
        problems: item.problems,
      })),
    ].sort((left, right) => left.index - right.index);

    return {
      status: rejected.length === 0 ? 202 : 207,
      body: { accepted: accepted.length, rejected: rejected.length, results },
    };
  }
}
