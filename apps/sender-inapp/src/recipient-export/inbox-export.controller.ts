import { Controller, Get, Param, Query } from '@nestjs/common';
import { ExportPageQuery, type InboxExportPage, RecipientId, TenantId } from '@switchboard/contracts';
import { parseInput, ProblemException } from '@switchboard/service-kit';
import { z } from 'zod';
import { InboxExportRepository } from './inbox-export.repository';

const RecipientPath = z.strictObject({ tenantId: TenantId, recipientId: RecipientId });
const SEQUENCE = /^[1-9]\d{0,18}$/;

/**
 * Internal, on a service credential (not a recipient token): a recipient's whole inbox for their
 * export (GDPR/CCPA), a page at a time.
 */
@Controller('internal/tenants/:tenantId/recipients/:recipientId/inbox')
export class InboxExportController {
  constructor(private readonly store: InboxExportRepository) {}

  @Get()
  async page(@Param() path: unknown, @Query() query: unknown): Promise<InboxExportPage> {
    const { tenantId, recipientId } = parseInput(RecipientPath, path, 'path');
    const { cursor, limit } = parseInput(ExportPageQuery, query, 'query');
    if (cursor !== undefined && !SEQUENCE.test(cursor)) {
      throw new ProblemException(400, 'VALIDATION_FAILED', 'cursor is not a cursor of this export', {
        errors: [{ field: 'cursor', problem: 'is not the nextCursor of a previous page' }],
      });
    }
    const { items, lastSequence } = await this.store.page(tenantId, recipientId, cursor, limit);
    return { items, nextCursor: lastSequence };
  }
}
