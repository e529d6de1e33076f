import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { SendMessageRequest, SendMessageResponse } from '@switchboard/contracts';
import { buildMessageRequested } from './build-message-requested';
import { AcceptedMessageLog, MessageRequestPublisher } from './message-ports';

export interface SendMessageCommand {
  tenantId: string;
  request: SendMessageRequest;
  idempotencyKey?: string;
}

/**
 * Accepts one message: the MessageRequested event is durable before this resolves, so the
 * caller's 202 is a promise the pipeline keeps.
 */
export class SendMessage {
  private readonly logger = new Logger(SendMessage.name);

  constructor(
    private readonly publisher: MessageRequestPublisher,
    private readonly acceptedMessages: AcceptedMessageLog,
    private readonly now: () => Date = () => new Date(),
    private readonly newMessageId: () => string = randomUUID,
  ) {}

  async execute(command: SendMessageCommand): Promise<SendMessageResponse> {
    const accepted = { messageId: this.newMessageId(), tenantId: command.tenantId, acceptedAt: this.now() };
    await this.publisher.publish([
      buildMessageRequested(command.request, { ...accepted, idempotencyKey: command.idempotencyKey }),
    ]);
    await recordAccepted(this.acceptedMessages, [accepted], this.logger);
    return { messageId: accepted.messageId, status: 'accepted' };
  }
}

/**
 * Once published the message is accepted whatever happens here; failing the request now would
 * only invite a retry that sends it twice. Status lookups fall back to analytics meanwhile.
 */
export async function recordAccepted(
  log: AcceptedMessageLog,
  messages: Array<{ messageId: string; tenantId: string; acceptedAt: Date }>,
  logger: Logger,
): Promise<void> {
  try {
    await log.record(messages);
  } catch (error) {
    logger.error('published messages but could not record them as accepted', {
      tenantId: messages[0]?.tenantId,
      messageIds: messages.length === 1 ? messages[0].messageId : `${messages.length} messages`,
      error: String(error),
    });
  }
}
