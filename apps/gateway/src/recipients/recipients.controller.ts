import { Body, Controller, Delete, Get, Param, Patch, Post, Put, Query, Req, Res } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBody,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import {
  ErasureAccepted,
  ImportedRecipient,
  ImportRecipientsRequest,
  ImportRecipientsResponse,
  MAX_RECIPIENTS_PER_BATCH,
  PatchRecipientRequest,
  RecipientId,
  RecipientView,
  RegisterPushSubscriptionRequest,
  UpsertRecipientRequest,
} from '@switchboard/contracts';
import { BATCH_BODY_ROUTE, parseInput } from '@switchboard/service-kit';
import { NationalPhoneNumbers } from '../sending-settings/national-phone-numbers';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { AuthenticatedRequest } from '../auth/principal';
import { RequirePermission } from '../auth/route-access';
import { RequestErasure } from '../erasures/request-erasure.usecase';
import { GatewayError } from '../gateway-error';
import { Tenant } from '../auth/tenant.decorator';
import { openApiSchema } from '../http/openapi-schema';
import { passThrough } from '../internal-services/pass-through';
import { ImportRecipients } from './import-recipients.usecase';
import { RouterRecipientClient } from './router-recipient-client';

// Shown as the problem's code when the router rejects a call without a problem document.
const REJECTED = 'RECIPIENT_REQUEST_REJECTED';

const RecipientPath = z.object({ recipientId: RecipientId });
/** `?erase=true` turns a delete into an erasure of everything held about the person. */
const DeleteQuery = z.object({ erase: z.enum(['true', 'false']).optional() });
// As the audit log reads it, so that the erasure and its audit entry name the same request.
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** The endpoint of a subscription to remove, in the body or the query (DELETE bodies are often dropped). */
const RemovedEndpoint = z.object({ endpoint: z.url().max(2048) });

/** Recipients and their push subscriptions live in the router, which routes with them; the gateway forwards. */
@ApiTags('recipients')
@Controller('v1/recipients')
export class RecipientsController {
  constructor(
    private readonly recipients: RouterRecipientClient,
    private readonly importRecipients: ImportRecipients,
    private readonly nationalPhoneNumbers: NationalPhoneNumbers,
    private readonly requestErasure: RequestErasure,
  ) {}

  @Post('batch')
  @RequirePermission('recipients:write')
  @RouteConfig({ [BATCH_BODY_ROUTE]: true })
  @ApiOperation({
    summary: 'Import up to 1,000 recipient profiles; each item is written or rejected on its own',
    description:
      'Each item is a whole profile as PUT takes it, with its recipientId: it creates the recipient or ' +
      'replaces its profile (push subscriptions and preferences stay). A recipient id that an earlier ' +
      'item named is rejected. 200 when every item was written, 207 when some were rejected (see each result). ' +
      "The body has the batch routes' size limit (MAX_BATCH_BODY_BYTES, 4 MiB by default): profiles with " +
      'attributes near their 8 KiB limit take more than one call per 1,000.',
  })
  @ApiBody({ schema: importRequestDoc() })
  @ApiOkResponse({ schema: openApiSchema(ImportRecipientsResponse, 'output') })
  @ApiResponse({ status: 207, schema: openApiSchema(ImportRecipientsResponse, 'output') })
  async import(
    @Tenant() tenantId: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ImportRecipientsResponse> {
    const { recipients } = parseInput(
      ImportRecipientsRequest,
      await this.nationalPhoneNumbers.read(tenantId, body, [['recipients', '*', 'phone']]),
    );
    const outcome = await this.importRecipients.execute(tenantId, recipients);
    reply.status(outcome.status);
    return outcome.body;
  }

  @Put(':recipientId')
  @RequirePermission('recipients:write')
  @ApiOperation({
    summary:
      'Create a recipient or replace its profile: a field left out is cleared (push subscriptions and preferences are not part of the profile and stay)',
    description:
      'The email domain is stored lower-cased and in ASCII; placeholder addresses and phone numbers ' +
      'no numbering plan has assigned are refused with 400 naming the field.',
  })
  @ApiBody({ schema: openApiSchema(UpsertRecipientRequest) })
  @ApiCreatedResponse({ description: 'New recipient', schema: openApiSchema(RecipientView, 'output') })
  @ApiOkResponse({ description: 'Replaced profile', schema: openApiSchema(RecipientView, 'output') })
  @ApiBadRequestResponse({ description: 'A field is wrong; each is named' })
  async upsert(
    @Tenant() tenantId: string,
    @Param() path: unknown,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    const { recipientId } = parseInput(RecipientPath, path, 'path');
    const request = parseInput(
      UpsertRecipientRequest,
      await this.nationalPhoneNumbers.read(tenantId, body, [['phone']]),
    );
    return passThrough(reply, await this.recipients.upsert(tenantId, recipientId, request), REJECTED);
  }

  @Patch(':recipientId')
  @RequirePermission('recipients:write')
  @ApiOperation({
    summary:
      'Change some fields of a recipient (null clears one); attributes are merged key by key, null deleting a key',
  })
  @ApiBody({ schema: openApiSchema(PatchRecipientRequest) })
  @ApiOkResponse({ description: 'Changed recipient', schema: openApiSchema(RecipientView, 'output') })
  @ApiNotFoundResponse({ description: 'The tenant has no such recipient' })
  @ApiUnprocessableEntityResponse({ description: 'The merged attributes would exceed 100 keys or 8 KiB' })
  async patch(
    @Tenant() tenantId: string,
    @Param() path: unknown,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    const { recipientId } = parseInput(RecipientPath, path, 'path');
    const request = parseInput(
      PatchRecipientRequest,
      await this.nationalPhoneNumbers.read(tenantId, body, [['phone']]),
    );
    return passThrough(reply, await this.recipients.patch(tenantId, recipientId, request), REJECTED);
  }

  @Get(':recipientId')
  @RequirePermission('recipients:read')
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

  @Delete(':recipientId')
  @RequirePermission('recipients:write')
  @ApiOperation({ summary: 'Delete a recipient and its push subscriptions' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiQuery({
    name: 'erase',
    required: false,
    enum: ['true', 'false'],
    description:
      'true: erase the person (GDPR/CCPA) in every service, which also needs the permission recipients:erase; ' +
      'their suppressions are kept as a keyed hash only. Answers 202 with the erasure to follow at GET /v1/erasures/{id}.',
  })
  @ApiAcceptedResponse({
    description: 'Erasure asked of every service',
    schema: openApiSchema(ErasureAccepted, 'output'),
  })
  async delete(
    @Tenant() tenantId: string,
    @Param() path: unknown,
    @Query() query: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    const { recipientId } = parseInput(RecipientPath, path, 'path');
    const { erase } = parseInput(DeleteQuery, query ?? {}, 'query');
    if (erase === 'true') return this.erase(tenantId, recipientId, request, reply);
    return passThrough(reply, await this.recipients.delete(tenantId, recipientId), REJECTED);
  }

  private async erase(
    tenantId: string,
    recipientId: string,
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<ErasureAccepted> {
    // The route's own permission is recipients:write; erasing takes more, checked here.
    if (!(request as AuthenticatedRequest).principal.permissions.has('recipients:erase')) {
      throw new GatewayError(
        'PERMISSION_DENIED',
        'this API key lacks the permission "recipients:erase" that erasing a recipient needs',
        { missingPermission: 'recipients:erase' },
      );
    }
    const given = request.headers['x-request-id'];
    const requestId = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    // The audit entry of this call reads its request id from here, so both name the same one.
    request.headers['x-request-id'] = requestId;
    const accepted = await this.requestErasure.execute({ tenantId, recipientId, requestId });
    reply.status(202);
    return accepted;
  }

  @Post(':recipientId/push-subscriptions')
  @RequirePermission('recipients:write')
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

  @Delete(':recipientId/push-subscriptions')
  @RequirePermission('recipients:write')
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

// The contract keeps items `unknown` so each is validated alone; the docs show what an item must be.
function importRequestDoc() {
  return {
    type: 'object' as const,
    required: ['recipients'],
    additionalProperties: false,
    properties: {
      recipients: {
        type: 'array' as const,
        minItems: 1,
        maxItems: MAX_RECIPIENTS_PER_BATCH,
        items: openApiSchema(ImportedRecipient),
      },
    },
  };
}
