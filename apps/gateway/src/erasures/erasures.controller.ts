import { Controller, Get, Param } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ErasureId, ErasureView } from '@switchboard/contracts';
import { parseInput } from '@switchboard/service-kit';
import { z } from 'zod';
import { RequirePermission } from '../auth/route-access';
import { Tenant } from '../auth/tenant.decorator';
import { openApiSchema } from '../http/openapi-schema';
import { GetErasure } from './get-erasure.usecase';

const ErasurePath = z.object({ erasureId: ErasureId });

@ApiTags('recipients')
@Controller('v1/erasures')
export class ErasuresController {
  constructor(private readonly getErasure: GetErasure) {}

  @Get(':erasureId')
  @RequirePermission('recipients:erase')
  @ApiOperation({
    summary: 'Whether an erasure (DELETE /v1/recipients/{id}?erase=true) is done in every service',
    description:
      'complete is true once the router, ingest and the in-app sender have each confirmed their part ' +
      'durable and analytics has scrubbed the history of every message ingest erased.',
  })
  @ApiOkResponse({ schema: openApiSchema(ErasureView, 'output') })
  @ApiNotFoundResponse({ description: 'The tenant has no such erasure' })
  get(@Tenant() tenantId: string, @Param() path: unknown): Promise<ErasureView> {
    const { erasureId } = parseInput(ErasurePath, path, 'path');
    return this.getErasure.execute(tenantId, erasureId);
  }
}
