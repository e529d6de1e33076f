import { Body, Controller, Delete, Get, Param, Post, Put, Query, Res, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import {
  RecipientId,
  RecipientView,
  RegisterPushSubscriptionRequest,
  UpsertRecipientRequest,
} from '@switchboard/contracts';
import { parseInput } from '@switchboard/service-kit';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { Tenant } from '../auth/tenant.decorator';
import { openApiSchema } from '../http/openapi-schema';
import { passThrough } from '../internal-services/pass-through';
import { RouterRecipientClient } from './router-recipient-client';

// Shown as the problem's code when the router rejects a call without a problem document.
const REJECTED = 'RECIPIENT_REQUEST_REJECTED';

const RecipientPath = z.object({ recipientId: RecipientId });
/** The endpoint of a subscription to remove, in the body or the query (DELETE bodies are often dropped). */
const RemovedEndpoint = z.object({ endpoint: z.url().max(2048) });

/** Recipients and their push subscriptions live in the router, which routes with them; the gateway forwards. */
@ApiTags('recipients')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@Controller('v1/recipients/:recipientId')
export class RecipientsController {
  constructor(private readonly recipients: RouterRecipientClient) {}

  @Put()
  @ApiOperation({ summary: 'Create a recipient or change its contact points (null clears one)' })
  @ApiBody({ schema: openApiSchema(UpsertRecipientRequest) })
  @ApiCreatedResponse({ description: 'New recipient', schema: openApiSchema(RecipientView, 'output') })
  @ApiOkResponse({ description: 'Changed recipient', schema: openApiSchema(RecipientView, 'output') })
  async upsert(
    @Tenant() tenantId: string,
    @Param() path: unknown,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    const { recipientId } = parseInput(RecipientPath, path, 'path');
    const request = parseInput(UpsertRecipientRequest, body);
    return passThrough(reply, await this.recipients.upsert(tenantId, recipientId, request), REJECTED);
  }

  @Get()
  @ApiOperation({ summary: 'A recipient, with the endpoints of its push subscriptions (never their keys)' })
  @ApiOkResponse({ schema: openApiSchema(RecipientView, 'output') })
  async get(
    @Tenant() tenantId: string,
    @Param() path: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    const { recipientId } = parseInput(RecipientPath, path, 'path');
    return passThrough(reply, await this.recipients.get(tenantId, recipientId), REJECTED);
  }

  @Delete()
  @ApiOperation({ summary: 'Delete a recipient and its push subscriptions' })
  @ApiNoContentResponse({ description: 'Deleted' })
  async delete(
    @Tenant() tenantId: string,
    @Param() path: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    const { recipientId } = parseInput(RecipientPath, path, 'path');
    return passThrough(reply, await this.recipients.delete(tenantId, recipientId), REJECTED);
  }

  @Post('push-subscriptions')
  @ApiOperation({ summary: "Register a browser's push subscription (oldest dropped beyond 20)" })
  @ApiBody({ schema: openApiSchema(RegisterPushSubscriptionRequest) })
  @ApiCreatedResponse({ description: 'New subscription', schema: openApiSchema(RecipientView, 'output') })
  @ApiOkResponse({ description: 'Already registered', schema: openApiSchema(RecipientView, 'output') })
  @ApiUnprocessableEntityResponse({ description: 'The endpoint is not a public https address, or bad keys' })
  async registerPushSubscription(
    @Tenant() tenantId: string,
    @Param() path: unknown,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    const { recipientId } = parseInput(RecipientPath, path, 'path');
    const request = parseInput(RegisterPushSubscriptionRequest, body);
    return passThrough(
      reply,
      await this.recipients.registerPushSubscription(tenantId, recipientId, request),
      REJECTED,
    );
  }

  @Delete('push-subscriptions')
  @ApiOperation({ summary: 'Remove a push subscription; endpoint in the body or the query' })
  @ApiNoContentResponse({ description: 'Removed' })
  async removePushSubscription(
    @Tenant() tenantId: string,
    @Param() path: unknown,
    @Query() query: unknown,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    const { recipientId } = parseInput(RecipientPath, path, 'path');
    const fromQuery = typeof query === 'object' && query !== null && 'endpoint' in query;
    const { endpoint } = fromQuery
      ? parseInput(RemovedEndpoint, query, 'query')
      : parseInput(RemovedEndpoint, body ?? {});
    return passThrough(
      reply,
      await this.recipients.removePushSubscription(tenantId, recipientId, endpoint),
      REJECTED,
    );
  }
}
