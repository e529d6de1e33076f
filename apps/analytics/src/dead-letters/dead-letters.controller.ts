import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  type DeadLetterPage,
  ListDeadLettersQuery,
  RedriveDeadLettersRequest,
  type RedriveDeadLettersResponse,
  TenantId,
} from '@switchboard/contracts';
import { parseInput } from '@switchboard/service-kit';
import { z } from 'zod';
import { ListDeadLettersUsecase } from './list-dead-letters.usecase';
import { positionOfCursorQuery } from './page-cursor';
import { RedriveDeadLettersUsecase } from './redrive-dead-letters.usecase';

const TenantPath = z.strictObject({ tenantId: TenantId });

/** Internal: the gateway has authenticated the tenant and asks on its behalf. */
@Controller('internal/dead-letters')
export class DeadLettersController {
  constructor(
    private readonly listDeadLetters: ListDeadLettersUsecase,
    private readonly redriveDeadLetters: RedriveDeadLettersUsecase,
  ) {}

  @Get(':tenantId')
  list(@Param() path: Record<string, string>, @Query() query: unknown): Promise<DeadLetterPage> {
    const { tenantId } = parseInput(TenantPath, path, 'path');
    const { cursor, ...filter } = parseInput(ListDeadLettersQuery, query, 'query');
    return this.listDeadLetters.execute(tenantId, { ...filter, after: positionOfCursorQuery(cursor) });
  }

  @Post(':tenantId/redrive')
  @HttpCode(200)
  redrive(@Param() path: Record<string, string>, @Body() body: unknown): Promise<RedriveDeadLettersResponse> {
    const { tenantId } = parseInput(TenantPath, path, 'path');
    return this.redriveDeadLetters.execute(
      { kind: 'tenant', tenantId },
      parseInput(RedriveDeadLettersRequest, body),
    );
  }
}
