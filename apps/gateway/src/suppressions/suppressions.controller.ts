import { Body, Controller, Delete, Get, Param, Post, Query, Res } from '@nestjs/common';
import {
  ApiBody,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import {
  CreateSuppressionRequest,
  DeleteSuppressionQuery,
  ListSuppressionsQuery,
  SuppressionPage,
  SuppressionPath,
  SuppressionView,
} from '@switchboard/contracts';
import { parseInput } from '@switchboard/service-kit';
import type { FastifyReply } from 'fastify';
import { RequirePermission } from '../auth/route-access';
import { Tenant } from '../auth/tenant.decorator';
import { openApiSchema } from '../http/openapi-schema';
import { passThrough } from '../internal-services/pass-through';
import { RouterSuppressionClient } from './router-suppression-client';

// Shown as the problem's code when the router rejects a call without a problem document.
const REJECTED = 'SUPPRESSION_REQUEST_REJECTED';

/** Suppressions live in the router, which skips messages to them; the gateway forwards. */
@ApiTags('suppressions')
@Controller('v1/suppressions')
export class SuppressionsController {
  constructor(private readonly suppressions: RouterSuppressionClient) {}

  @Post()
  @RequirePermission('suppressions:write')
  @ApiOperation({
    summary: 'Stop sending to an address on a channel (e.g. after a complaint), for one category or all',
  })
  @ApiBody({ schema: openApiSchema(CreateSuppressionRequest) })
  @ApiCreatedResponse({ description: 'Newly suppressed', schema: openApiSchema(SuppressionView, 'output') })
  @ApiOkResponse({
    description: 'Already suppressed (for that category): the existing suppression, unchanged',
    schema: openApiSchema(SuppressionView, 'output'),
  })
  async create(
    @Tenant() tenantId: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    const request = parseInput(CreateSuppressionRequest, body);
    return passThrough(
      reply,
      await this.suppressions.create(tenantId, { ...request, source: 'api' }),
      REJECTED,
    );
  }

  @Get()
  @RequirePermission('suppressions:read')
  @ApiOperation({
    summary: "The tenant's suppressions, newest first: added by the API, bounces, complaints and SMS replies",
  })
  @ApiQuery({ name: 'channel', required: false, enum: ['email', 'sms', 'push', 'inapp'] })
  @ApiQuery({ name: 'address', required: false, description: 'Only this address (case is ignored)' })
  @ApiQuery({ name: 'limit', required: false, type: Number, description: '1 to 200, 50 by default' })
  @ApiQuery({ name: 'cursor', required: false, description: 'nextCursor of the previous page' })
  @ApiOkResponse({ schema: openApiSchema(SuppressionPage, 'output') })
  async list(
    @Tenant() tenantId: string,
    @Query() query: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    const filter = parseInput(ListSuppressionsQuery, query, 'query');
    return passThrough(reply, await this.suppressions.list(tenantId, filter), REJECTED);
  }

  @Delete(':channel/:address')
  @RequirePermission('suppressions:write')
  @ApiOperation({
    summary:
      'Send to an address again: removes its suppression for a category, or without one for every category',
  })
  @ApiParam({ name: 'channel', enum: ['email', 'sms', 'push', 'inapp'] })
  @ApiParam({ name: 'address', description: 'URL-encoded (a phone number’s + is %2B)' })
  @ApiQuery({ name: 'category', required: false })
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiNotFoundResponse({ description: 'No such suppression' })
  async remove(
    @Tenant() tenantId: string,
    @Param() path: unknown,
    @Query() query: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    const { channel, address } = parseInput(SuppressionPath, path, 'path');
    const { category } = parseInput(DeleteSuppressionQuery, query, 'query');
    return passThrough(
      reply,
      await this.suppressions.remove(tenantId, channel, address, category === undefined ? {} : { category }),
      REJECTED,
    );
  }
}
