import { MessageId, type MessageStatusView, validate } from '@switchboard/contracts';
import { GatewayError } from '../gateway-error';
import { AcceptedMessageLog, MessageStatusSource } from './message-ports';

/**
 * A message's status and timeline from analytics. In the moments before analytics has seen a
 * message the gateway just accepted, it answers from its own record: accepted, one step.
 */
export class GetMessageStatus {
  constructor(
    private readonly analytics: MessageStatusSource,
    private readonly acceptedMessages: AcceptedMessageLog,
  ) {}

  async execute(tenantId: string, messageId: string): Promise<MessageStatusView> {
    // Not an id we could have issued: no need to ask anyone.
    if (!validate(MessageId, messageId).ok) throw notFound(messageId);

    const view = await this.analytics.find(tenantId, messageId);
    if (view) return view;

    const accepted = await this.acceptedMessages.find(tenantId, messageId);
    if (!accepted) throw notFound(messageId);
    return {
      messageId,
      tenantId,
      status: 'accepted',
      timeline: [{ type: 'accepted', occurredAt: accepted.acceptedAt.toISOString(), source: 'gateway' }],
    };
  }
}

function notFound(messageId: string): GatewayError {
  return new GatewayError('MESSAGE_NOT_FOUND', `no message ${messageId} for this API key's tenant`);
}
