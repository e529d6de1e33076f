import { Controller, Get, Param, Query } from '@nestjs/common';
import {
  ExportMessageIdsQuery,
  RecipientId,
  type RouterRecipientExport,
  type RouterRoutingExport,
  TenantId,
} from '@switchboard/contracts';
import { parseInput } from '@switchboard/service-kit';
import { z } from 'zod';
import { ExportRecipient } from './export-recipient.usecase';
import { RecipientExportRepository } from './recipient-export.repository';

const RecipientPath = z.strictObject({ tenantId: TenantId, recipientId: RecipientId });
const TenantPath = z.strictObject({ tenantId: TenantId });

/** Internal: the gateway assembles a person's export (GDPR/CCPA) from these parts. */
@Controller('internal/tenants/:tenantId')
export class RecipientExportController {
  constructor(
    private readonly exportRecipient: ExportRecipient,
    private readonly store: RecipientExportRepository,
  ) {}

  @Get('recipients/:recipientId/export')
  export(@Param() path: unknown): Promise<RouterRecipientExport> {
    const { tenantId, recipientId } = parseInput(RecipientPath, path, 'path');
    return this.exportRecipient.execute(tenantId, recipientId);
  }

  /** How each of a page of the person's messages was routed; ingest knows which messages are theirs. */
  @Get('message-routing')
  async routing(@Param() path: unknown, @Query() query: unknown): Promise<RouterRoutingExport> {
    const { tenantId } = parseInput(TenantPath, path, 'path');
    const { ids } = parseInput(ExportMessageIdsQuery, query, 'query');
    return { messages: await this.store.routingOf(tenantId, ids) };
  }
}
