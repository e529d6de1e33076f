import { Body, Controller, Get, HttpCode, Post, Query, Res } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import {
  DeadLetterPage,
  ListDeadLettersQuery,
  RedriveDeadLettersRequest,
  RedriveDeadLettersResponse,
} from '@switchboard/contracts';
import { parseInput } from '@switchboard/service-kit';
import type { FastifyReply } from 'fastify';
import { RequirePermission } from '../auth/route-access';
import { Tenant } from '../auth/tenant.decorator';
import { openApiSchema } from '../http/openapi-schema';
import { passThrough } from '../internal-services/pass-through';
import { AnalyticsDeadLettersClient } from './analytics-dead-letters-client';

// Shown as the problem's code when analytics rejects a call without a problem document.
const REJECTED = 'DEAD_LETTER_REQUEST_REJECTED';

/** Dead letters are stored by analytics, which also redrives them; the gateway forwards. */
@ApiTags('dead-letters')
@Controller('v1/dead-letters')
export class DeadLettersController {
  constructor(private readonly deadLetters: AnalyticsDeadLettersClient) {}

  @Get()
  @RequirePermission('dead-letters:read')
  @ApiOperation({ summary: 'Events parked because they could not be processed, newest first' })
  @ApiQuery({ name: 'topic', required: false, description: 'Only those parked from this topic' })
  @ApiQuery({ name: 'status', required: false, enum: ['parked', 'redriven', 'all'] })
  @ApiQuery({ name: 'limit', required: false, type: Number })
  @ApiQuery({ name: 'cursor', required: false, description: 'nextCursor of the previous page' })
  @ApiOkResponse({ schema: openApiSchema(DeadLetterPage, 'output') })
  async list(
    @Tenant() tenantId: string,
    @Query() query: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    const filter = parseInput(ListDeadLettersQuery, query, 'query');
    return passThrough(reply, await this.deadLetters.list(tenantId, filter), REJECTED);
  }

  @Post('redrive')
  @RequirePermission('dead-letters:redrive')
  @HttpCode(200)
  @ApiOperation({ summary: 'Put parked events back on the topics they came from, by id or by topic' })
  @ApiBody({ schema: openApiSchema(RedriveDeadLettersRequest) })
  @ApiOkResponse({ schema: openApiSchema(RedriveDeadLettersResponse, 'output') })
  async redrive(
    @Tenant() tenantId: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    const request = parseInput(RedriveDeadLettersRequest, body);
    return passThrough(reply, await this.deadLetters.redrive(tenantId, request), REJECTED);
  }
}
