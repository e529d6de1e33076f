import { Body, Controller, Get, Param, Post, Put, Res } from '@nestjs/common';
import {
  ApiBody,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import {
  CreateMessageTypeRequest,
  MessageTypeKey,
  MessageTypeListView,
  MessageTypeView,
  PutMessageTypeRequest,
} from '@switchboard/contracts';
import { parseInput } from '@switchboard/service-kit';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { recordBeforeState } from '../audit/audit-context';
import { RequirePermission } from '../auth/route-access';
import { Tenant } from '../auth/tenant.decorator';
import { openApiSchema } from '../http/openapi-schema';
import { passThrough } from '../internal-services/pass-through';
import { RouterMessageTypeClient } from './router-message-type-client';

// Shown as the problem's code when the router rejects a call without a problem document.
const REJECTED = 'MESSAGE_TYPE_REQUEST_REJECTED';

const MessageTypePath = z.object({ key: MessageTypeKey });

/** Message types live in the router, which applies them to every message; the gateway forwards. */
@ApiTags('message types')
@Controller('v1/message-types')
export class MessageTypesController {
  constructor(private readonly messageTypes: RouterMessageTypeClient) {}

  @Post()
  @RequirePermission('message-types:write')
  @ApiOperation({
    summary:
      'Define a message type: its category, default channels and priority, and which sending rules apply',
  })
  @ApiBody({ schema: openApiSchema(CreateMessageTypeRequest) })
  @ApiCreatedResponse({ schema: openApiSchema(MessageTypeView, 'output') })
  @ApiConflictResponse({ description: 'MESSAGE_TYPE_EXISTS: the tenant already has a type with this key' })
  async create(
    @Tenant() tenantId: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    const request = parseInput(CreateMessageTypeRequest, body);
    return passThrough(reply, await this.messageTypes.create(tenantId, request), REJECTED);
  }

  @Get()
  @RequirePermission('message-types:read')
  @ApiOperation({
    summary: "The tenant's message types, with the built-in `default` unless the tenant defined its own",
  })
  @ApiOkResponse({ schema: openApiSchema(MessageTypeListView, 'output') })
  async list(@Tenant() tenantId: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<unknown> {
    return passThrough(reply, await this.messageTypes.list(tenantId), REJECTED);
  }

  @Get(':key')
  @RequirePermission('message-types:read')
  @ApiOperation({ summary: 'One message type' })
  @ApiOkResponse({ schema: openApiSchema(MessageTypeView, 'output') })
  @ApiNotFoundResponse({ description: 'MESSAGE_TYPE_NOT_FOUND' })
  async get(
    @Tenant() tenantId: string,
    @Param() path: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    const { key } = parseInput(MessageTypePath, path, 'path');
    return passThrough(reply, await this.messageTypes.get(tenantId, key), REJECTED);
  }

  @Put(':key')
  @RequirePermission('message-types:write')
  @ApiOperation({
    summary: 'Create a message type or replace its whole definition (a field left out takes its default)',
  })
  @ApiBody({ schema: openApiSchema(PutMessageTypeRequest) })
  @ApiCreatedResponse({ description: 'New type', schema: openApiSchema(MessageTypeView, 'output') })
  @ApiOkResponse({ description: 'Replaced type', schema: openApiSchema(MessageTypeView, 'output') })
  async put(
    @Tenant() tenantId: string,
    @Param() path: unknown,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    const { key } = parseInput(MessageTypePath, path, 'path');
    const request = parseInput(PutMessageTypeRequest, body);
    // For the audit log: what the type was before it is replaced (null: it is being created).
    // Read just before the write, not in one transaction with it: a record, not a lock.
    const current = await this.messageTypes.get(tenantId, key);
    recordBeforeState(reply.request, current.status === 200 ? current.body : null);
    return passThrough(reply, await this.messageTypes.put(tenantId, key, request), REJECTED);
  }
}
