import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post, Query, Res } from '@nestjs/common';
import {
  AddSuppressionRequest,
  ListSuppressionsQuery,
  RemoveSuppressionQuery,
  SuppressionPath,
  type SuppressionPage,
  type SuppressionView,
  TenantId,
} from '@switchboard/contracts';
import { parseInput } from '@switchboard/service-kit';
import { z } from 'zod';
import { AddSuppression } from './add-suppression.usecase';
import { ListSuppressions } from './list-suppressions.usecase';
import { RemoveSuppression } from './remove-suppression.usecase';

const TenantPath = z.object({ tenantId: TenantId });
const AddressPath = SuppressionPath.extend({ tenantId: TenantId });

/** The one thing used of Fastify's reply: fastify is not a direct dependency to import types from. */
interface StatusReply {
  status(code: number): unknown;
}

/** Internal: fed by the gateway (the tenant's API and SMS replies); bounces and complaints are added from delivery events. */
@Controller('internal/tenants/:tenantId/suppressions')
export class SuppressionsController {
  constructor(
    private readonly addSuppression: AddSuppression,
    private readonly listSuppressions: ListSuppressions,
    private readonly removeSuppression: RemoveSuppression,
  ) {}

  /** 201 when the address is newly suppressed, 200 with the existing suppression when it already was. */
  @Post()
  async add(
    @Param() path: unknown,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: StatusReply,
  ): Promise<SuppressionView> {
    const { tenantId } = parseInput(TenantPath, path, 'path');
    const { suppression, created } = await this.addSuppression.execute(
      tenantId,
      parseInput(AddSuppressionRequest, body),
    );
    reply.status(created ? HttpStatus.CREATED : HttpStatus.OK);
    return suppression;
  }

  @Get()
  list(@Param() path: unknown, @Query() query: unknown): Promise<SuppressionPage> {
    const { tenantId } = parseInput(TenantPath, path, 'path');
    return this.listSuppressions.execute(tenantId, parseInput(ListSuppressionsQuery, query, 'query'));
  }

  /** 204, or 404 when there was no such suppression. */
  @Delete(':channel/:address')
  @HttpCode(HttpStatus.NO_CONTENT)
  async remove(@Param() path: unknown, @Query() query: unknown): Promise<void> {
    const { tenantId, channel, address } = parseInput(AddressPath, path, 'path');
    await this.removeSuppression.execute(
      tenantId,
      channel,
      address,
      parseInput(RemoveSuppressionQuery, query, 'query'),
    );
  }
}
