import { Body, Controller, Get, HttpCode, Post, Query, Res } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  ListOperatorDeadLettersQuery,
  OperatorDeadLetterPage,
  OperatorRedriveDeadLettersRequest,
  RedriveDeadLettersResponse,
} from '@switchboard/contracts';
import { parseInput } from '@switchboard/service-kit';
import type { FastifyReply } from 'fastify';
import { RequireOperator } from '../auth/route-access';
import { openApiSchema } from '../http/openapi-schema';
import { passThrough } from '../internal-services/pass-through';
import { AnalyticsDeadLettersClient } from './analytics-dead-letters-client';

// Shown as the problem's code when analytics rejects a call without a problem document.
const REJECTED = 'DEAD_LETTER_REQUEST_REJECTED';
const OPERATORS_ONLY =
  'Platform operators only: the bearer token is an operator key (OPERATOR_API_KEYS), never a tenant API key.';

/** The dead letters of every tenant, and of none, for the platform's operators; analytics keeps them. */
@ApiTags('operator')
@ApiResponse({ status: 404, description: 'OPERATOR_API_KEYS is not set: OPERATOR_API_NOT_CONFIGURED' })
@Controller('v1/operator/dead-letters')
export class OperatorDeadLettersController {
  constructor(private readonly deadLetters: AnalyticsDeadLettersClient) {}

  @Get()
  @RequireOperator()
  @ApiOperation({
    summary:
      'Dead letters of every tenant, newest first, each with its tenant (null when none could be read)',
    description: OPERATORS_ONLY,
  })
  @ApiQuery({ name: 'tenant', required: false, description: 'Only those of this tenant' })
  @ApiQuery({
    name: 'withoutTenant',
    required: false,
    enum: ['true', 'false'],
    description: 'true: only those whose tenant could not be read (not with tenant)',
  })
  @ApiQuery({ name: 'topic', required: false, description: 'Only those parked from this topic' })
  @ApiQuery({ name: 'status', required: false, enum: ['parked', 'redriven', 'all'] })
  @ApiQuery({ name: 'limit', required: false, type: Number })
  @ApiQuery({ name: 'cursor', required: false, description: 'nextCursor of the previous page' })
  @ApiOkResponse({ schema: openApiSchema(OperatorDeadLetterPage, 'output') })
  async list(@Query() query: unknown, @Res({ passthrough: true }) reply: FastifyReply): Promise<unknown> {
    const filter = parseInput(ListOperatorDeadLettersQuery, query, 'query');
    return passThrough(reply, await this.deadLetters.listForOperator(filter), REJECTED);
  }

  @Post('redrive')
  @RequireOperator()
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Put parked events of any tenant back on their topics: by id, or by topic (narrowed by tenant or withoutTenant)',
    description: OPERATORS_ONLY,
  })
  @ApiBody({ schema: openApiSchema(OperatorRedriveDeadLettersRequest) })
  @ApiOkResponse({ schema: openApiSchema(RedriveDeadLettersResponse, 'output') })
  async redrive(@Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply): Promise<unknown> {
    const request = parseInput(OperatorRedriveDeadLettersRequest, body);
    return passThrough(reply, await this.deadLetters.redriveForOperator(request), REJECTED);
  }
}
