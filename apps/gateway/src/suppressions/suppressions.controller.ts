import { Body, Controller, Post, Res, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CreateSuppressionRequest, SuppressionView } from '@switchboard/contracts';
import { parseInput } from '@switchboard/service-kit';
import type { FastifyReply } from 'fastify';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { Tenant } from '../auth/tenant.decorator';
import { openApiSchema } from '../http/openapi-schema';
import { passThrough } from '../internal-services/pass-through';
import { RouterSuppressionClient } from './router-suppression-client';

// Shown as the problem's code when the router rejects a call without a problem document.
const REJECTED = 'SUPPRESSION_REQUEST_REJECTED';

/** Suppressions live in the router, which skips messages to them; the gateway forwards. */
@ApiTags('suppressions')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@Controller('v1/suppressions')
export class SuppressionsController {
  constructor(private readonly suppressions: RouterSuppressionClient) {}

  @Post()
  @ApiOperation({ summary: 'Stop sending to an address on a channel (e.g. after a complaint)' })
  @ApiBody({ schema: openApiSchema(CreateSuppressionRequest) })
  @ApiCreatedResponse({ description: 'Newly suppressed', schema: openApiSchema(SuppressionView, 'output') })
  @ApiOkResponse({
    description: 'Already suppressed: the existing suppression, unchanged',
    schema: openApiSchema(SuppressionView, 'output'),
  })
  async create(
    @Tenant() tenantId: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    const request = parseInput(CreateSuppressionRequest, body);
    return passThrough(reply, await this.suppressions.create(tenantId, request), REJECTED);
  }
}
