import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Res } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import {
  ApiAcceptedResponse,
  ApiBody,
  ApiConflictResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import {
  CancelMessageResponse,
  MAX_MESSAGES_PER_BATCH,
  MessageId,
  MessageStatusView,
  SendMessageBatchRequest,
  SendMessageBatchResponse,
  SendMessageRequest,
  SendMessageResponse,
} from '@switchboard/contracts';
import { BATCH_BODY_ROUTE, parseInput } from '@switchboard/service-kit';
import { NationalPhoneNumbers } from '../sending-settings/national-phone-numbers';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { RequirePermission } from '../auth/route-access';
import { Tenant } from '../auth/tenant.decorator';
import { openApiSchema } from '../http/openapi-schema';
import { IDEMPOTENCY_KEY_HEADER, idempotencyKeyOf, IdempotentReply } from '../idempotency/idempotent-reply';
import { passThrough } from '../internal-services/pass-through';
import { GetMessageStatus } from './get-message-status.usecase';
import { RouterMessageClient } from './router-message-client';
import { SendMessageBatch } from './send-message-batch.usecase';
import { SendMessage } from './send-message.usecase';

const MessagePath = z.object({ messageId: MessageId });
// Shown as the problem's code when the router rejects a cancellation without a problem document.
const CANCEL_REJECTED = 'CANCEL_REQUEST_REJECTED';

const IDEMPOTENCY_KEY_DOC = {
  name: 'Idempotency-Key',
  required: false,
  description:
    'Repeat a request safely: the same key with the same body answers the first response again ' +
    '(with Idempotent-Replayed: true) for 24 hours; with a different body it answers 422.',
};

@ApiTags('messages')
@Controller('v1/messages')
export class MessagesController {
  constructor(
    private readonly sendMessage: SendMessage,
    private readonly sendMessageBatch: SendMessageBatch,
    private readonly getMessageStatus: GetMessageStatus,
    private readonly idempotentReply: IdempotentReply,
    private readonly router: RouterMessageClient,
    private readonly nationalPhoneNumbers: NationalPhoneNumbers,
  ) {}

  @Post()
  @RequirePermission('messages:send')
  @HttpCode(202)
  @ApiOperation({ summary: 'Send one message; 202 means it is durably accepted and will not be lost' })
  @ApiHeader(IDEMPOTENCY_KEY_DOC)
  @ApiBody({ schema: openApiSchema(SendMessageRequest) })
  @ApiAcceptedResponse({ schema: openApiSchema(SendMessageResponse, 'output') })
  async send(
    @Tenant() tenantId: string,
    @Body() body: unknown,
    @Headers(IDEMPOTENCY_KEY_HEADER) idempotencyKeyHeader: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    const request = parseInput(
      SendMessageRequest,
      await this.nationalPhoneNumbers.read(tenantId, body, [['recipient', 'phone']]),
    );
    const idempotencyKey = idempotencyKeyOf(idempotencyKeyHeader);
    return this.idempotentReply.send(
      reply,
      { tenantId, key: idempotencyKey, route: 'POST /v1/messages', body },
      async () => ({
        status: 202,
        body: await this.sendMessage.execute({ tenantId, request, idempotencyKey }),
      }),
    );
  }

  @Post('batch')
  @RequirePermission('messages:send')
  @RouteConfig({ [BATCH_BODY_ROUTE]: true })
  @HttpCode(202)
  @ApiOperation({
    summary: 'Send up to 1,000 messages; each item is accepted or rejected on its own',
    description: '202 when every item was accepted, 207 when some were rejected (see each result).',
  })
  @ApiHeader(IDEMPOTENCY_KEY_DOC)
  @ApiBody({ schema: batchRequestDoc() })
  @ApiAcceptedResponse({ schema: openApiSchema(SendMessageBatchResponse, 'output') })
  @ApiResponse({ status: 207, schema: openApiSchema(SendMessageBatchResponse, 'output') })
  async sendBatch(
    @Tenant() tenantId: string,
    @Body() body: unknown,
    @Headers(IDEMPOTENCY_KEY_HEADER) idempotencyKeyHeader: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    const batch = parseInput(
      SendMessageBatchRequest,
      await this.nationalPhoneNumbers.read(tenantId, body, [['messages', '*', 'recipient', 'phone']]),
    );
    const idempotencyKey = idempotencyKeyOf(idempotencyKeyHeader);
    return this.idempotentReply.send(
      reply,
      { tenantId, key: idempotencyKey, route: 'POST /v1/messages/batch', body },
      () => this.sendMessageBatch.execute({ tenantId, items: batch.messages }),
    );
  }

  @Get(':messageId')
  @RequirePermission('messages:read')
  @ApiOperation({ summary: "A message's current status and the timeline of what happened to it" })
  @ApiOkResponse({ schema: openApiSchema(MessageStatusView, 'output') })
  status(@Tenant() tenantId: string, @Param('messageId') messageId: string): Promise<MessageStatusView> {
    return this.getMessageStatus.execute(tenantId, messageId);
  }

  @Delete(':messageId')
  @RequirePermission('messages:cancel')
  @ApiOperation({
    summary:
      'Cancel a message that has not been sent (one waiting for sendAt, quiet hours or a frequency limit)',
    description:
      "200 when cancelled (its timeline ends 'cancelled'); 202 when the message has not reached routing yet: " +
      "it will end 'cancelled' when it does; 409 MESSAGE_ALREADY_SENT once it was routed, skipped or released.",
  })
  @ApiOkResponse({ schema: openApiSchema(CancelMessageResponse, 'output') })
  @ApiAcceptedResponse({ schema: openApiSchema(CancelMessageResponse, 'output') })
  @ApiConflictResponse({ description: 'MESSAGE_ALREADY_SENT: too late to cancel' })
  async cancel(
    @Tenant() tenantId: string,
    @Param() path: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    const { messageId } = parseInput(MessagePath, path, 'path');
    return passThrough(reply, await this.router.cancel(tenantId, messageId), CANCEL_REJECTED);
  }
}

// The contract keeps items `unknown` so each is validated alone; the docs show what an item must be.
function batchRequestDoc() {
  return {
    type: 'object' as const,
    required: ['messages'],
    additionalProperties: false,
    properties: {
      messages: {
        type: 'array' as const,
        minItems: 1,
        maxItems: MAX_MESSAGES_PER_BATCH,
        items: openApiSchema(SendMessageRequest),
      },
    },
  };
}
