import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import {
  CreateTriggerRequest,
  TenantId,
  type TriggerListView,
  type TriggerView,
} from '@switchboard/contracts';
import { parseInput } from '@switchboard/service-kit';
import { z } from 'zod';
import { CreateTrigger } from './create-trigger.usecase';
import { ListTriggers } from './list-triggers.usecase';

const TenantPath = z.object({ tenantId: TenantId });

/** Internal: the gateway has authenticated the caller and proxies POST/GET /v1/triggers here. */
@Controller('internal/tenants/:tenantId/triggers')
export class TriggersController {
  constructor(
    private readonly createTrigger: CreateTrigger,
    private readonly listTriggers: ListTriggers,
  ) {}

  @Post()
  @HttpCode(HttpStatus.CREATED)
  create(@Param() path: unknown, @Body() body: unknown): Promise<TriggerView> {
    const { tenantId } = parseInput(TenantPath, path, 'path');
    return this.createTrigger.execute(tenantId, parseInput(CreateTriggerRequest, body));
  }

  @Get()
  list(@Param() path: unknown): Promise<TriggerListView> {
    return this.listTriggers.execute(parseInput(TenantPath, path, 'path').tenantId);
  }
}
