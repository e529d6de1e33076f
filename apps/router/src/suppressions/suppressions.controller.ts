import { Body, Controller, HttpStatus, Param, Post, Res } from '@nestjs/common';
import { CreateSuppressionRequest, type SuppressionView, TenantId } from '@switchboard/contracts';
import { parseInput } from '@switchboard/service-kit';
import { z } from 'zod';
import { AddSuppression } from './add-suppression.usecase';

const TenantPath = z.object({ tenantId: TenantId });

/** The one thing used of Fastify's reply: fastify is not a direct dependency to import types from. */
interface StatusReply {
  status(code: number): unknown;
}

/** Internal: fed by the gateway now, and by bounce and complaint handling later. */
@Controller('internal/tenants/:tenantId/suppressions')
export class SuppressionsController {
  constructor(private readonly addSuppression: AddSuppression) {}

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
      parseInput(CreateSuppressionRequest, body),
    );
    reply.status(created ? HttpStatus.CREATED : HttpStatus.OK);
    return suppression;
  }
}
