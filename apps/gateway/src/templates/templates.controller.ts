import { Body, Controller, Get, Param, Post, Res } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  CreateTemplateRequest,
  CreateTemplateVersionRequest,
  TemplateListView,
  TemplateView,
} from '@switchboard/contracts';
import { parseInput } from '@switchboard/service-kit';
import type { FastifyReply } from 'fastify';
import { RequirePermission } from '../auth/route-access';
import { Tenant } from '../auth/tenant.decorator';
import { openApiSchema } from '../http/openapi-schema';
import { passThrough } from '../internal-services/pass-through';
import { TemplateServiceClient } from './template-service-client';

// Shown as the problem's code when the template service rejects a call without a problem document.
const REJECTED = 'TEMPLATE_REQUEST_REJECTED';

/** Templates live in the template service; the gateway authenticates, validates and forwards. */
@ApiTags('templates')
@Controller('v1/templates')
export class TemplatesController {
  constructor(private readonly templates: TemplateServiceClient) {}

  @Post()
  @RequirePermission('templates:write')
  @ApiOperation({ summary: 'Create an email template (MJML with variables); it starts at version 1' })
  @ApiBody({ schema: openApiSchema(CreateTemplateRequest) })
  @ApiCreatedResponse({ schema: openApiSchema(TemplateView, 'output') })
  async create(
    @Tenant() tenantId: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    const request = parseInput(CreateTemplateRequest, body);
    return passThrough(reply, await this.templates.create(tenantId, request), REJECTED);
  }

  @Get()
  @RequirePermission('templates:read')
  @ApiOperation({ summary: "The tenant's templates" })
  @ApiOkResponse({ schema: openApiSchema(TemplateListView, 'output') })
  async list(@Tenant() tenantId: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<unknown> {
    return passThrough(reply, await this.templates.list(tenantId), REJECTED);
  }

  @Get(':key')
  @RequirePermission('templates:read')
  @ApiOperation({ summary: 'One template with all its versions' })
  @ApiOkResponse({ schema: openApiSchema(TemplateView, 'output') })
  async get(
    @Tenant() tenantId: string,
    @Param('key') key: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    return passThrough(reply, await this.templates.get(tenantId, key), REJECTED);
  }

  @Post(':key/versions')
  @RequirePermission('templates:write')
  @ApiOperation({
    summary: 'Add an immutable version; it becomes current for messages accepted from now on',
  })
  @ApiBody({ schema: openApiSchema(CreateTemplateVersionRequest) })
  @ApiCreatedResponse({ schema: openApiSchema(TemplateView, 'output') })
  async createVersion(
    @Tenant() tenantId: string,
    @Param('key') key: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    const request = parseInput(CreateTemplateVersionRequest, body);
    return passThrough(reply, await this.templates.createVersion(tenantId, key, request), REJECTED);
  }
}
