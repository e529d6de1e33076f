import { randomUUID } from 'node:crypto';
import {
  ContractValidationError,
  type SendMessageRequest,
  type SendMessageResponse,
} from '@switchboard/contracts';
import { buildMessageRequested } from './build-message-requested';
import { AcceptedMessageLog, MessageRequestPublisher } from './message-ports';
import { cleanRecipientAddresses } from './partition-batch';

export interface SendMessageCommand {
  tenantId: string;
  request: SendMessageRequest;
  idempotencyKey?: string;
}

/**
 * Accepts one message. Its acceptance is recorded first, then the MessageRequested event is made
 * durable, and only then does this resolve: the caller's 202 is a promise the pipeline keeps, and
 * the id it carries is found by a status lookup at once. When either step cannot be done the caller
 * hears 503 and never sees the id; a record left behind by a failed publish is an orphan nobody
 * asks about, purged with the others.
 */
export class SendMessage {
  constructor(
    private readonly publisher: MessageRequestPublisher,
    private readonly acceptedMessages: AcceptedMessageLog,
    private readonly now: () => Date = () => new Date(),
    private readonly newMessageId: () => string = randomUUID,
  ) {}

  async execute(command: SendMessageCommand): Promise<SendMessageResponse> {
    // Before anything is recorded: a placeholder address or an unassigned number is the caller's 400.
    const cleaned = cleanRecipientAddresses(command.request);
    if (!cleaned.ok) throw new ContractValidationError('request body', cleaned.problems);
    const accepted = { messageId: this.newMessageId(), tenantId: command.tenantId, acceptedAt: this.now() };
    this.publisher.ensureAvailable();
    await this.acceptedMessages.record([accepted]);
    await this.publisher.publish([
      buildMessageRequested(cleaned.value, { ...accepted, idempotencyKey: command.idempotencyKey }),
    ]);
    return { messageId: accepted.messageId, status: 'accepted' };
  }
}
