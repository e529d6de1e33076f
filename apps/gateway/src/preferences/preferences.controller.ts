import { Body, Controller, Get, Param, Put, Res, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { RecipientId, RecipientPreferences, RecipientPreferencesView } from '@switchboard/contracts';
import { parseInput } from '@switchboard/service-kit';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { Tenant } from '../auth/tenant.decorator';
import { openApiSchema } from '../http/openapi-schema';
import { passThrough } from '../internal-services/pass-through';
import { REJECTED } from './preferences-rejected';
import { RouterPreferenceClient } from './router-preference-client';

const RecipientPath = z.object({ recipientId: RecipientId });

/** The tenant's view of a recipient's preferences; the router keeps them and routes with them. */
@ApiTags('preferences')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@Controller('v1/recipients/:recipientId/preferences')
export class RecipientPreferencesController {
  constructor(private readonly preferences: RouterPreferenceClient) {}

  @Get()
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
