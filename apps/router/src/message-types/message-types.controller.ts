import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Put, Res } from '@nestjs/common';
import {
  CreateMessageTypeRequest,
  MessageTypeKey,
  type MessageTypeListView,
  type MessageTypeView,
  PutMessageTypeRequest,
  TenantId,
} from '@switchboard/contracts';
import { parseInput } from '@switchboard/service-kit';
import { z } from 'zod';
import { CreateMessageType } from './create-message-type.usecase';
import { GetMessageType } from './get-message-type.usecase';
import { ListMessageTypes } from './list-message-types.usecase';
import { PutMessageType } from './put-message-type.usecase';

const TenantPath = z.object({ tenantId: TenantId });
const MessageTypePath = z.object({ tenantId: TenantId, key: MessageTypeKey });

/** The one thing used of Fastify's reply: fastify is not a direct dependency to import types from. */
interface StatusReply {
  status(code: number): unknown;
}

/** Internal: the gateway forwards the public message types API here. */
@Controller('internal/tenants/:tenantId/message-types')
export class MessageTypesController {
  constructor(
    private readonly createMessageType: CreateMessageType,
    private readonly putMessageType: PutMessageType,
    private readonly getMessageType: GetMessageType,
    private readonly listMessageTypes: ListMessageTypes,
  ) {}

  @Post()
  @HttpCode(HttpStatus.CREATED)
  create(@Param() path: unknown, @Body() body: unknown): Promise<MessageTypeView> {
    const { tenantId } = parseInput(TenantPath, path, 'path');
    return this.createMessageType.execute(tenantId, parseInput(CreateMessageTypeRequest, body));
  }

  @Get()
  list(@Param() path: unknown): Promise<MessageTypeListView> {
    return this.listMessageTypes.execute(parseInput(TenantPath, path, 'path').tenantId);
  }

  @Get(':key')
  get(@Param() path: unknown): Promise<MessageTypeView> {
    const { tenantId, key } = parseInput(MessageTypePath, path, 'path');
    return this.getMessageType.execute(tenantId, key);
  }

  /** 201 when the type is new, 200 when it was replaced. */
  @Put(':key')
  async put(
    @Param() path: unknown,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: StatusReply,
  ): Promise<MessageTypeView> {
    const { tenantId, key } = parseInput(MessageTypePath, path, 'path');
    const { messageType, created } = await this.putMessageType.execute(
      tenantId,
      key,
      parseInput(PutMessageTypeRequest, body),
    );
    reply.status(created ? HttpStatus.CREATED : HttpStatus.OK);
    return messageType;
  }
}
