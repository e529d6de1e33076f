import { Body, Controller, Get, Post, Res } from '@nestjs/common';
import {
  ApiBody,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CreateTriggerRequest, TriggerListView, TriggerView } from '@switchboard/contracts';
import { parseInput } from '@switchboard/service-kit';
import type { FastifyReply } from 'fastify';
import { RequirePermission } from '../auth/route-access';
import { Tenant } from '../auth/tenant.decorator';
import { openApiSchema } from '../http/openapi-schema';
import { passThrough } from '../internal-services/pass-through';
import { IngestTriggerClient } from './ingest-trigger-client';

// Shown as the problem's code when ingest rejects a call without a problem document.
const REJECTED = 'TRIGGER_REQUEST_REJECTED';

/** Triggers live in the ingest service; the gateway authenticates, validates and forwards. */
@ApiTags('triggers')
@Controller('v1/triggers')
export class TriggersController {
  constructor(private readonly triggers: IngestTriggerClient) {}

  @Post()
  @RequirePermission('triggers:write')
  @ApiOperation({
    summary: 'Turn upstream events of one type into messages rendered with a template',
  })
  @ApiBody({ schema: openApiSchema(CreateTriggerRequest) })
  @ApiCreatedResponse({ schema: openApiSchema(TriggerView, 'output') })
  @ApiConflictResponse({
    description: 'TRIGGER_EXISTS: the tenant already has a trigger for this event type',
  })
  async create(
    @Tenant() tenantId: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    const request = parseInput(CreateTriggerRequest, body);
    return passThrough(reply, await this.triggers.create(tenantId, request), REJECTED);
  }

  @Get()
  @RequirePermission('triggers:read')
  @ApiOperation({ summary: "The tenant's triggers" })
  @ApiOkResponse({ schema: openApiSchema(TriggerListView, 'output') })
  async list(@Tenant() tenantId: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<unknown> {
    return passThrough(reply, await this.triggers.list(tenantId), REJECTED);
  }
}
