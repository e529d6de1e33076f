import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import {
  ListOperatorDeadLettersQuery,
  type OperatorDeadLetterPage,
  OperatorRedriveDeadLettersRequest,
  type RedriveDeadLettersResponse,
} from '@switchboard/contracts';
import { parseInput } from '@switchboard/service-kit';
import type { DeadLetterScope } from './dead-letters.repository';
import { ListOperatorDeadLettersUsecase } from './list-operator-dead-letters.usecase';
import { positionOfCursorQuery } from './page-cursor';
import { RedriveDeadLettersUsecase } from './redrive-dead-letters.usecase';

/** Internal: the gateway has authenticated a platform operator, who sees the dead letters of every tenant. */
@Controller('internal/operator/dead-letters')
export class OperatorDeadLettersController {
  constructor(
    private readonly listDeadLetters: ListOperatorDeadLettersUsecase,
    private readonly redriveDeadLetters: RedriveDeadLettersUsecase,
  ) {}

  @Get()
  list(@Query() query: unknown): Promise<OperatorDeadLetterPage> {
    const { cursor, tenant, withoutTenant, ...filter } = parseInput(
      ListOperatorDeadLettersQuery,
      query,
      'query',
    );
    return this.listDeadLetters.execute(scopeOf(tenant, withoutTenant), {
      ...filter,
      after: positionOfCursorQuery(cursor),
    });
  }

  @Post('redrive')
  @HttpCode(200)
  redrive(@Body() body: unknown): Promise<RedriveDeadLettersResponse> {
    const request = parseInput(OperatorRedriveDeadLettersRequest, body);
    if ('ids' in request) return this.redriveDeadLetters.execute({ kind: 'every-tenant' }, request);
    const scope = scopeOf('tenant' in request ? request.tenant : undefined, 'withoutTenant' in request);
    return this.redriveDeadLetters.execute(scope, { topic: request.topic });
  }
}

function scopeOf(tenant: string | undefined, withoutTenant: boolean | undefined): DeadLetterScope {
  if (tenant !== undefined) return { kind: 'tenant', tenantId: tenant };
  return withoutTenant ? { kind: 'no-tenant' } : { kind: 'every-tenant' };
}
