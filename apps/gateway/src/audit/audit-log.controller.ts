import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { parseInput } from '@switchboard/service-kit';
import { RequirePermission } from '../auth/route-access';
import { Tenant } from '../auth/tenant.decorator';
import { openApiSchema } from '../http/openapi-schema';
import { tenantChain } from './audit-entry';
import { AuditChainVerificationView, AuditLogPage, ListAuditLogQuery } from './audit-log-http';
import { ListAuditLog } from './list-audit-log.usecase';
import { VerifyAuditChain } from './verify-audit-chain.usecase';

/** The tenant's audit trail: every state-changing call made on its behalf, hash-chained. */
@ApiTags('audit-log')
@Controller('v1/audit-log')
export class AuditLogController {
  constructor(
    private readonly listAuditLog: ListAuditLog,
    private readonly verifyAuditChain: VerifyAuditChain,
  ) {}

  @Get()
  @RequirePermission('audit-log:read')
  @ApiOperation({ summary: "The tenant's audit log, newest first" })
  @ApiQuery({ name: 'actorKeyId', required: false, description: 'Only changes made with this API key' })
  @ApiQuery({ name: 'action', required: false, description: 'e.g. PUT /v1/message-types/{key}' })
  @ApiQuery({ name: 'target', required: false, description: 'Only targets containing this text' })
  @ApiQuery({ name: 'from', required: false, description: 'Recorded at or after (ISO 8601)' })
  @ApiQuery({ name: 'to', required: false, description: 'Recorded before (ISO 8601)' })
  @ApiQuery({ name: 'limit', required: false, type: Number })
  @ApiQuery({ name: 'cursor', required: false, description: 'nextCursor of the previous page' })
  @ApiOkResponse({ schema: openApiSchema(AuditLogPage, 'output') })
  list(@Tenant() tenantId: string, @Query() query: unknown): Promise<unknown> {
    return this.listAuditLog.execute(tenantId, parseInput(ListAuditLogQuery, query, 'query'));
  }

  @Get('verification')
  @RequirePermission('audit-log:read')
  @ApiOperation({
    summary: "Recomputes the tenant's chain: ok with the count and head, or the first broken entry",
  })
  @ApiOkResponse({ schema: openApiSchema(AuditChainVerificationView, 'output') })
  async verify(@Tenant() tenantId: string): Promise<AuditChainVerificationView> {
    const verification = await this.verifyAuditChain.execute(tenantChain(tenantId));
    // The chain's name is internal: the tenant asked for its own.
    return verification.ok
      ? { ok: true, entries: verification.entries, head: verification.head }
      : { ok: false, entries: verification.entries, broken: verification.broken };
  }
}
