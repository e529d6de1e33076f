import type { MessageRequested, SendMessageRequest } from '@switchboard/contracts';

export interface AcceptanceFacts {
  tenantId: string;
  messageId: string;
  acceptedAt: Date;
  idempotencyKey?: string;
}

export function buildMessageRequested(request: SendMessageRequest, facts: AcceptanceFacts): MessageRequested {
  return {
    tenantId: facts.tenantId,
    messageId: facts.messageId,
    acceptedAt: facts.acceptedAt.toISOString(),
    source: 'http',
    ...(facts.idempotencyKey === undefined ? {} : { idempotencyKey: facts.idempotencyKey }),
    recipient: request.recipient,
    ...(request.channels === undefined ? {} : { channels: request.channels }),
    // 'fallback' is what an absent policy means; leaving it out keeps such events as they were.
    ...(request.channelPolicy === 'fallback' ? {} : { channelPolicy: request.channelPolicy }),
    content: request.content,
    priority: request.priority,
    ...(request.sendAt === undefined ? {} : { sendAt: request.sendAt }),
  };
}
