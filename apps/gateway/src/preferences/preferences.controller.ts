import { Body, Controller, Get, Param, Put, Res } from '@nestjs/common';
import { ApiBody, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RecipientId, RecipientPreferences, RecipientPreferencesView } from '@switchboard/contracts';
import { parseInput } from '@switchboard/service-kit';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { RequirePermission } from '../auth/route-access';
import { Tenant } from '../auth/tenant.decorator';
import { openApiSchema } from '../http/openapi-schema';
import { passThrough } from '../internal-services/pass-through';
import { REJECTED } from './preferences-rejected';
import { RouterPreferenceClient } from './router-preference-client';

const RecipientPath = z.object({ recipientId: RecipientId });

/** The tenant's view of a recipient's preferences; the router keeps them and routes with them. */
@ApiTags('preferences')
@Controller('v1/recipients/:recipientId/preferences')
export class RecipientPreferencesController {
  constructor(private readonly preferences: RouterPreferenceClient) {}

  @Get()
  @RequirePermission('recipients:read')
  @ApiOperation({ summary: "A recipient's preferences; the defaults, with updatedAt null, if none were set" })
  @ApiOkResponse({ schema: openApiSchema(RecipientPreferencesView, 'output') })
  @ApiNotFoundResponse({ description: 'The tenant has no such recipient' })
  async get(
    @Tenant() tenantId: string,
    @Param() path: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    const { recipientId } = parseInput(RecipientPath, path, 'path');
    return passThrough(reply, await this.preferences.get(tenantId, recipientId), REJECTED);
  }

  @Put()
  @RequirePermission('recipients:write')
  @ApiOperation({ summary: "Replace a recipient's preferences (a field left out takes its default)" })
  @ApiBody({ schema: openApiSchema(RecipientPreferences) })
  @ApiOkResponse({ schema: openApiSchema(RecipientPreferencesView, 'output') })
  @ApiNotFoundResponse({ description: 'The tenant has no such recipient' })
  async put(
    @Tenant() tenantId: string,
    @Param() path: unknown,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    const { recipientId } = parseInput(RecipientPath, path, 'path');
    const preferences = parseInput(RecipientPreferences, body);
    return passThrough(reply, await this.preferences.put(tenantId, recipientId, preferences), REJECTED);
  }
}
