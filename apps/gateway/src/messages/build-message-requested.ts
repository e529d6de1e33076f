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
    ...(request.type === undefined ? {} : { type: request.type }),
    ...(request.channels === undefined ? {} : { channels: request.channels }),
    // Absent policy and priority are the message type's, which the router knows.
    ...(request.channelPolicy === undefined ? {} : { channelPolicy: request.channelPolicy }),
    content: request.content,
    ...(request.priority === undefined ? {} : { priority: request.priority }),
    ...(request.sendAt === undefined ? {} : { sendAt: request.sendAt }),
    ...(request.dedupKey === undefined ? {} : { dedupKey: request.dedupKey }),
  };
}
